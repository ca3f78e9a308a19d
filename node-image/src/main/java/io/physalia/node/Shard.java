package io.physalia.node;

import io.physalia.core.wire.Keyring;
import io.physalia.core.wire.WireCodec;
import io.vertx.core.Context;

/** One event-loop context that drives a share of the node's cells, with its own (single-threaded) codec. */
final class Shard {
    final Context context;
    final WireCodec codec;

    Shard(Context context, Keyring keyring) {
        this.context = context;
        this.codec = new WireCodec(keyring);
    }
}
