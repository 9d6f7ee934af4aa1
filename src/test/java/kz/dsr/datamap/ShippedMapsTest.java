package kz.dsr.datamap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kz.dsr.demo.Sample;
import kz.dsr.testing.SampleApps;
import org.junit.jupiter.api.Test;

/** The data maps shipped in config/ fit their sample databases. */
class ShippedMapsTest {

    @Test
    void injiMapFitsTheInjiDatabase() {
        DataMap map = SampleApps.create(Sample.INJI, 20).map();
        assertEquals("inji", map.company());
        // order_item_notes (composite link) before order_items before orders; orders before addresses (FK)
        var order = map.childrenFirst().stream().map(DataMap.MappedTable::name).toList();
        assertTrue(order.indexOf("order_item_notes") < order.indexOf("order_items"), order.toString());
        assertTrue(order.indexOf("orders") < order.indexOf("addresses"), order.toString());
        assertTrue(order.indexOf("usage_events") < order.indexOf("devices"), order.toString());
        assertEquals("users", order.get(order.size() - 1));
        assertEquals(3, map.depth(map.table("order_item_notes")));
    }

    @Test
    void inServiceMapFitsTheInServiceDatabase() {
        DataMap map = SampleApps.create(Sample.INSERVICE, 20).map();
        assertEquals("inService", map.company());
        var order = map.childrenFirst().stream().map(DataMap.MappedTable::name).toList();
        assertTrue(order.indexOf("service_bookings") < order.indexOf("vehicles"), order.toString());
        assertTrue(order.indexOf("trips") < order.indexOf("vehicles"), order.toString());
        assertTrue(order.indexOf("trip_points") < order.indexOf("trips"), order.toString());
        assertEquals(2, map.holds().size());
    }
}
