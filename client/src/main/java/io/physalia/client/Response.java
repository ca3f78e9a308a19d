package io.physalia.client;

/** A final HTTP answer from a node: its status, JSON body and which node gave it. */
public record Response(int status, String body, String node) {
    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
