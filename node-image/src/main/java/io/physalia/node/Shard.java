package io.physalia.node;

import io.vertx.core.Context;

/**
 * One event-loop context that drives a share of the node's cells. Frames are encoded by the
 * transport, per connection (each frame takes that connection's next sequence number).
 */
final class Shard {
    final Context context;

    Shard(Context context) {
        this.context = context;
    }
}
