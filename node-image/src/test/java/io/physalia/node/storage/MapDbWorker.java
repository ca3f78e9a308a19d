package io.physalia.node.storage;

import java.io.File;
import java.util.Random;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * Child process of {@link MapDbCrashExperiment}: writes to a MapDB file until it is killed.
 * Mode "tx": MapDB's own transactions; each commit changes a counter and a few random cells,
 * then prints "ACK n". Mode "plain": no transactions, puts without end.
 */
public final class MapDbWorker {
    public static void main(String[] args) throws Exception {
        boolean tx = args[0].equals("tx");
        File file = new File(args[1]);
        DBMaker.Maker maker = DBMaker.fileDB(file).fileChannelEnable();
        DB db = (tx ? maker.transactionEnable() : maker).make();
        var cells = db.treeMap("cells", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        var counter = db.treeMap("counter", Serializer.STRING, Serializer.LONG).createOrOpen();
        long start = counter.getOrDefault("n", 0L);
        System.out.println("READY " + start);
        System.out.flush();
        Random random = new Random();
        for (long n = start + 1; ; n++) {
            for (int k = 0; k < 8; k++) {
                byte[] v = new byte[random.nextInt(4000)];
                random.nextBytes(v);
                cells.put("cell-" + random.nextInt(2000), v);
            }
            counter.put("n", n);
            if (tx) {
                db.commit();
                System.out.println("ACK " + n);
                System.out.flush();
            }
        }
    }
}
