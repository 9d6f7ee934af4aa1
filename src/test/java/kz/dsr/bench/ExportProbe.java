package kz.dsr.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.execute.AccessExport;
import kz.dsr.execute.AppDatabase;
import kz.dsr.execute.Execution;
import kz.dsr.execute.HtmlExport;
import kz.dsr.execute.TableOutcome;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The child-JVM half of {@link ExecutorBenchmark}'s export measurement: runs one ACCESS export to files
 * in a JVM started with a small heap ({@code -Xmx256m}), so that an export which buffers rows instead
 * of streaming them dies with an OutOfMemoryError (exit code ≠ 0) instead of passing quietly in the
 * test JVM's large heap.
 *
 * <p>Arguments: JDBC URL of the sample database, data map file, output directory, subject key.
 * Prints {@code probe.<name>=<value>} lines for the parent to parse:
 * <ul>
 * <li>{@code export_ms}: wall time of {@link AccessExport#toFiles} (JSON, then the HTML rendered from it);
 * <li>{@code rows_written}: the subject's rows the export wrote, summed over its EXPORTED outcomes (one
 *     per table; a table whose columns span several categories is read once per category, counted once);
 * <li>{@code table.<name>}: the subject's rows of each table (the largest count among its outcomes);
 * <li>{@code json_bytes}, {@code html_bytes}: sizes of the two files;
 * <li>{@code peak_heap_bytes}: the sum over heap memory pools of their peak usage, taken right after the
 *     export (an upper bound of the true peak: pools do not all peak at the same moment);
 * <li>{@code max_heap_bytes}: {@link Runtime#maxMemory()}, to show the child really ran with the small heap;
 * <li>{@code html_ms}: after the peak was read, the time of rendering the HTML alone once more, so the
 *     report can split the export time into JSON and HTML.
 * </ul>
 * The data map is loaded and checked here, outside the timed part, exactly as the pipeline does at start.
 */
public final class ExportProbe {

    private ExportProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ExportProbe <jdbc-url> <datamap.yaml> <output-dir> <subject-key>");
            System.exit(2);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(args[0]);
        ds.setUser("postgres");
        ds.setPassword("postgres");
        DataMap map = SchemaCheck.check(DataMapLoader.load(Path.of(args[1])), ds);
        Path dir = Files.createDirectories(Path.of(args[2]));
        Path json = dir.resolve("export.json");
        Path html = dir.resolve("export.html");
        long subject = Long.parseLong(args[3]);

        long start = System.nanoTime();
        Execution result = new AccessExport(map, new AppDatabase(ds), Clock.systemUTC()).toFiles(subject, "ru", json, html);
        long exportMs = (System.nanoTime() - start) / 1_000_000;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }

        long written = 0;
        Map<String, Long> perTable = new TreeMap<>();
        for (TableOutcome t : result.tables()) {
            if (t.action() == TableOutcome.Action.EXPORTED) {
                written += t.rows();
                perTable.merge(t.table(), t.rows(), Math::max);
            }
        }

        // Breakdown only, after the peak was read: the HTML step alone, rendered from the same JSON.
        Path html2 = dir.resolve("export-again.html");
        long htmlStart = System.nanoTime();
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(json), 1 << 16);
                var out = new java.io.BufferedOutputStream(Files.newOutputStream(html2), 1 << 16)) {
            HtmlExport.render(in, out);
        }
        long htmlMs = (System.nanoTime() - htmlStart) / 1_000_000;
        Files.delete(html2);

        System.out.println("probe.result=" + result.result());
        System.out.println("probe.export_ms=" + exportMs);
        System.out.println("probe.html_ms=" + htmlMs);
        System.out.println("probe.rows_written=" + written);
        perTable.forEach((table, rows) -> System.out.println("probe.table." + table + "=" + rows));
        System.out.println("probe.json_bytes=" + Files.size(json));
        System.out.println("probe.html_bytes=" + Files.size(html));
        System.out.println("probe.peak_heap_bytes=" + peakHeap);
        System.out.println("probe.max_heap_bytes=" + Runtime.getRuntime().maxMemory());
    }
}
