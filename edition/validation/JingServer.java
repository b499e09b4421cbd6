import com.thaiopensource.util.PropertyMapBuilder;
import com.thaiopensource.validate.SchemaReader;
import com.thaiopensource.validate.ValidateProperty;
import com.thaiopensource.validate.ValidationDriver;
import com.thaiopensource.validate.prop.rng.RngProperty;
import com.thaiopensource.validate.rng.CompactSchemaReader;
import com.thaiopensource.xml.sax.ErrorHandlerImpl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** jing kept running: the schema compiled once, then one file path per line on stdin. */
public final class JingServer {
    public static void main(String[] args) throws Exception {
        boolean compact = args.length > 1 && args[0].equals("-c");
        String schema = args[compact ? 1 : 0];
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
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
        out.println(loaded ? "\u0000ready" : "\u0000schema-failed");
        out.flush();
        if (!loaded) {
            return;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String path; (path = in.readLine()) != null; ) {
            try {
                driver.validate(ValidationDriver.fileInputSource(path));
            } catch (Exception e) {
                handler.printException(e);
            }
            out.println("\u0000done");
            out.flush();
        }
    }
}
