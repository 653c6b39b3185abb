package dev.prefork.bench.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reading an echoed reply, the same way for every client of the harness. */
public final class Replies {

    private Replies() {
    }

    /** Fills {@code reply} from {@code in}; an end of stream before it is full is an {@link EOFException}. */
    public static void readFully(InputStream in, byte[] reply) throws IOException {
        int have = 0;
        while (have < reply.length) {
            int n = in.read(reply, have, reply.length - have);
            if (n < 0) {
                throw new EOFException("closed after " + have + " bytes of the reply");
            }
            have += n;
        }
    }
}
