package kz.dsr.testing;

import java.nio.file.Path;
import javax.sql.DataSource;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.execute.AppDatabase;
import kz.dsr.demo.Sample;

/** A fresh sample application database with its shipped data map, checked against it. */
public record SampleApps(Sample sample, String url, DataSource dataSource, DataMap map) {

    /** The shipped data map file of a sample. */
    public static Path mapFile(Sample sample) {
        return Path.of(sample == Sample.INJI ? "config/datamap-inji.yaml" : "config/datamap.yaml");
    }

    public static SampleApps create(Sample sample, int subjects) {
        String url = TestServers.get().sampleDatabase(sample, subjects, 42);
        DataSource ds = TestServers.get().dataSource(url);
        return new SampleApps(sample, url, ds, SchemaCheck.check(DataMapLoader.load(mapFile(sample)), ds));
    }

    public AppDatabase db() {
        return new AppDatabase(dataSource);
    }
}
