package kz.dsr.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.demo.Sample;
import kz.dsr.store.StoreDatabase;
import kz.dsr.store.SubjectBlocks;
import kz.dsr.testing.OperatorCommands;
import kz.dsr.testing.SampleApps;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** BLOCKING for a company whose database has no column for it: the store keeps the block; unblock lifts it. */
class StoreBlockTest {

    @TempDir
    Path dir;

    @Test
    void aMapWithoutABlockingColumnBlocksInTheStoreAndAnOperatorUnblocks() throws Exception {
        SampleApps inji = SampleApps.create(Sample.INJI, 5);
        String shipped = Files.readString(SampleApps.mapFile(Sample.INJI), StandardCharsets.UTF_8);
        String withoutColumn = shipped.replaceAll("(?s)  blocking:.*?cleared: \"false\"[^\\n]*\\n", "");
        assertFalse(withoutColumn.contains("processing_blocked   #"), "the blocking block was removed");
        Path mapFile = dir.resolve("datamap.yaml");
        Files.writeString(mapFile, withoutColumn, StandardCharsets.UTF_8);
        DataMap map = SchemaCheck.check(DataMapLoader.load(mapFile), inji.dataSource());
        assertTrue(map.subject().blocking().isEmpty());

        String storeUrl = TestServers.get().newDatabase("dsr_block");
        try (HikariDataSource store = StoreDatabase.open(storeUrl, "postgres", "postgres", 2)) {
            SubjectBlocks blocks = new SubjectBlocks(new JdbcTemplate(store));
            Execution e = new ProcessingBlock(map, inji.db(), blocks).block(1L);
            assertEquals(1, e.tables().get(0).rows());
            assertTrue(blocks.isBlocked("inji", "1"));
            assertEquals(0, new ProcessingBlock(map, inji.db(), blocks).block(1L).tables().get(0).rows(), "already blocked");

            // the operator command, with a configuration pointing at both databases
            OperatorCommands ops = OperatorCommands.configured(dir.resolve("application.properties"), storeUrl,
                    inji.url());
            Files.writeString(ops.config(), Files.readString(ops.config(), StandardCharsets.UTF_8)
                    .replace("dsr.datamap.file = config/datamap.yaml", "dsr.datamap.file = " + mapFile),
                    StandardCharsets.UTF_8);
            JdbcTemplate storeSql = new JdbcTemplate(store);
            long requestId = storeSql.queryForObject("insert into request (reference, type, status, language, received_at,"
                    + " due_date, subject_ref) values ('DSR-2026-900001', 'BLOCKING', 'COMPLETED', 'ru', now(), current_date,"
                    + " '1') returning id", Long.class);
            int exit = ops.run("unblock", "--phone", "+7 701 123 45 67", "--reason", "complaint withdrawn",
                    "--operator", "aliya").exit();
            assertEquals(0, exit);
            assertFalse(blocks.isBlocked("inji", "1"));
            assertEquals("operator:aliya", storeSql.queryForObject("select actor from request_event where request_id = ?"
                    + " and kind = 'UNBLOCKED'", String.class, requestId));
        }
    }
}
