import Amperity
import XCTest

/// The in-place buffer readers that generate.sh patches into the generated bindings
/// (speed_up_readers.py): strings of every shape come back intact from the native core.
final class GeneratedReadersTests: XCTestCase {
    func testStringsOfEveryShapeRoundTrip() {
        let values = [
            "", "x", "in-progress-but-longer-than-sixteen-bytes", "ünïcødé état ✓ 日本語 🚀",
            String(repeating: "é", count: 5000),
        ]
        for value in values {
            // An unknown state comes back as `.other(value:)`: a string lifted from a Rust buffer.
            let state = RunState(wireName: "x-" + value)
            XCTAssertEqual(state, .other(value: "x-" + value))
            XCTAssertEqual(state.wireName, "x-" + value)
        }
        XCTAssertEqual(RunState(wireName: "in-progress"), .inProgress)
        XCTAssertTrue(RunState(wireName: "succeeded").isTerminal)
    }

    func testRecordsWithManyFieldsLiftIntact() throws {
        let mock = try startMock("--segments", "1500")
        let client = try mock.client()
        let ids = try client.segments.list(limit: 1000).collect().map(\.id)
        XCTAssertEqual(ids.count, 1500)
        XCTAssertEqual(Set(ids).count, 1500)
        XCTAssertTrue(ids.allSatisfy { $0.hasPrefix("seg-") })
        let events = try client.auditEvents.list(limit: 1000).collect()
        XCTAssertFalse(events.isEmpty)
        XCTAssertTrue(events.allSatisfy { $0.eventId.hasPrefix("ae-") && $0.eventType.hasPrefix(":amperity.") })
    }
}
