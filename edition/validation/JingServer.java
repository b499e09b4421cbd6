import com.thaiopensource.util.PropertyMapBuilder;
import com.thaiopensource.validate.SchemaReader;
import com.thaiopensource.validate.ValidateProperty;
import com.thaiopensource.validate.ValidationDriver;
import com.thaiopensource.validate.prop.rng.RngProperty;
import com.thaiopensource.validate.rng.CompactSchemaReader;
import com.thaiopensource.xml.sax.ErrorHandlerImpl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * jing kept running: the schema compiled once, then one file path per line.
 *
 * <p>{@code JingServer [-c] SCHEMA} reads the paths on stdin ({@code edition serve}).
 * {@code JingServer --socket PATH IDLE_SECONDS [-c] SCHEMA} listens on a Unix socket
 * instead, one client at a time, and exits after IDLE_SECONDS without one, or when its
 * socket file is removed or replaced ({@code jing_daemon.py}). A line {@code NUL stop}
 * stops it. After each file it prints what batch jing prints, then {@code NUL done}.
 */
public final class JingServer {
    /** Where jing's messages go: stdout, or the client of the moment. */
    private static final class Sink extends Writer {
        volatile Writer target;

        Sink(Writer target) {
            this.target = target;
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            target.write(buffer, offset, length);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() {}
    }

    private static final String STOP = "\u0000stop";
    private static final Object LOCK = new Object();
    private static boolean busy;
    private static long lastUsed = System.currentTimeMillis();

    public static void main(String[] args) throws Exception {
        int first = 0;
        String socket = null;
        long idleMillis = 0;
        if (args.length > 2 && args[0].equals("--socket")) {
            socket = args[1];
            idleMillis = (long) (Double.parseDouble(args[2]) * 1000);
            first = 3;
        }
        boolean compact = args.length > first + 1 && args[first].equals("-c");
        String schema = args[compact ? first + 1 : first];
        Sink sink = new Sink(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(sink, false);
        ErrorHandlerImpl handler = new ErrorHandlerImpl(out);
        PropertyMapBuilder properties = new PropertyMapBuilder();
        properties.put(ValidateProperty.ERROR_HANDLER, handler);
        RngProperty.CHECK_ID_IDREF.add(properties);
        SchemaReader reader = compact ? CompactSchemaReader.getInstance() : null;
        ValidationDriver driver = new ValidationDriver(properties.toPropertyMap(), reader);
        boolean loaded;
        try {
            loaded = driver.loadSchema(ValidationDriver.uriOrFileInputSource(schema));
        } catch (Exception e) {
            handler.printException(e);
            loaded = false;
        }
        if (!loaded) {
            out.println("\u0000schema-failed");
            out.flush();
            return;
        }
        if (socket == null) {
            out.println("\u0000ready");
            out.flush();
            serve(driver, handler, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        } else {
            listen(Path.of(socket), idleMillis, driver, handler, sink, out);
        }
    }

    /** Validate each path read from {@code in}; false when told to stop. */
    private static boolean serve(ValidationDriver driver, ErrorHandlerImpl handler, BufferedReader in, PrintWriter out)
            throws IOException {
        for (String path; (path = in.readLine()) != null; ) {
            if (path.equals(STOP)) {
                return false;
            }
            try {
                driver.validate(ValidationDriver.fileInputSource(path));
            } catch (Exception e) {
                handler.printException(e);
            }
            out.println("\u0000done");
            out.flush();
        }
        return true;
    }

    private static void listen(
            Path socket, long idleMillis, ValidationDriver driver, ErrorHandlerImpl handler, Sink sink, PrintWriter out)
            throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            out.println("\u0000in-use");
            out.flush();
            return;
        }
        Object own = fileKey(socket);
        out.println("\u0000ready");
        out.flush();
        System.out.close(); // the starter stops waiting; nothing is printed there again
        Thread watchdog = new Thread(() -> watch(socket, own, idleMillis));
        watchdog.setDaemon(true);
        watchdog.start();
        while (true) {
            try (SocketChannel client = server.accept()) {
                synchronized (LOCK) {
                    busy = true;
                }
                BufferedReader in = new BufferedReader(Channels.newReader(client, StandardCharsets.UTF_8));
                sink.target = Channels.newWriter(client, StandardCharsets.UTF_8);
                if (!serve(driver, handler, in, out)) {
                    quit(socket, own);
                }
            } catch (IOException e) {
                // the client went away: wait for the next one
            } finally {
                synchronized (LOCK) {
                    busy = false;
                    lastUsed = System.currentTimeMillis();
                }
            }
        }
    }

    /** Exit when idle for too long, or when the socket file is no longer this server's. */
    private static void watch(Path socket, Object own, long idleMillis) {
        while (true) {
            try {
                Thread.sleep(Math.min(1000, Math.max(50, idleMillis / 4)));
            } catch (InterruptedException e) {
                return;
            }
            synchronized (LOCK) {
                boolean idle = !busy && System.currentTimeMillis() - lastUsed > idleMillis;
                if (idle || !Objects.equals(fileKey(socket), own)) {
                    quit(socket, own);
                }
            }
        }
    }

    private static void quit(Path socket, Object own) {
        if (Objects.equals(fileKey(socket), own)) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // gone already, or not ours to remove
            }
        }
        System.exit(0);
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
