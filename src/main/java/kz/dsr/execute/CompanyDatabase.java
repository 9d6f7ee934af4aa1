package kz.dsr.execute;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import kz.dsr.app.Settings;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The application database and its checked data map, opened from the configuration file for the
 * operator commands ({@code plan}, {@code unblock}) — the same keys, environment overrides and
 * checks as the running pipeline.
 */
public final class CompanyDatabase implements AutoCloseable {

    private final HikariDataSource pool;
    private final DataMap map;
    private final Settings settings;

    private CompanyDatabase(HikariDataSource pool, DataMap map, Settings settings) {
        this.pool = pool;
        this.map = map;
        this.settings = settings;
    }

    public static CompanyDatabase open(Path config) {
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + config);
        Settings settings = new Settings(context, config);
        // An error below may quote a setting (the database URL): its secrets are masked in what is printed.
        settings.maskSecrets();
        HikariDataSource pool = AppDatabase.open(settings.string("dsr.app-db.url"), settings.string("dsr.app-db.username"),
                settings.string("dsr.app-db.password"), 2);
        try {
            DataMap map = SchemaCheck.check(DataMapLoader.load(Path.of(settings.string("dsr.datamap.file"))), pool);
            return new CompanyDatabase(pool, map, settings);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public DataMap map() {
        return map;
    }

    public AppDatabase db() {
        return new AppDatabase(pool);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        pool.close();
    }
}
