import com.amperity.sdk.Amperity;
import com.amperity.sdk.Client;
import com.amperity.sdk.NotFoundException;
import com.amperity.sdk.ffi.AuditEvent;
import com.amperity.sdk.ffi.RunState;
import com.amperity.sdk.ffi.Segment;
import com.amperity.sdk.ffi.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Release smoke test of the Kotlin/JVM jar, compiled (for Java 11) and run by tests/release.sh in
 * a Maven project outside the repository. Arguments: base URL, expected version, segment count.
 */
public final class Smoke {
    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("kotlin smoke: FAILED: " + what);
            System.exit(1);
        }
    }

    public static void main(String[] args) {
        String baseUrl = args[0];
        String expected = args[1];
        int segmentsExpected = Integer.parseInt(args[2]);
        check(expected.equals(Amperity.VERSION), "Amperity.VERSION is " + Amperity.VERSION + ", expected " + expected);
        try (Client client = Client.builder("acme").token("mock-token").baseUrl(baseUrl).noRateLimit().build()) {
            String ua = client.getUserAgent();
            check(ua.contains("amperity-rust/" + expected) && ua.contains("amperity-kotlin/" + expected), "User-Agent " + ua);

            Set<String> ids = new HashSet<>();
            int count = 0;
            for (Segment segment : client.getSegments().list(100).asIterable()) {
                ids.add(segment.getId());
                count++;
            }
            check(count == segmentsExpected && ids.size() == count, "listed " + count + " segments (" + ids.size() + " distinct), expected " + segmentsExpected);

            Workflow run = client.getWorkflowRuns().run("cg-example");
            Workflow done = client.getWorkflowRuns().wait(run.getId(), Duration.ofMillis(50), Duration.ofSeconds(60));
            check(run.getId().equals(done.getId()) && RunState.Succeeded.INSTANCE.equals(done.getState()),
                    "run " + run.getId() + " ended " + done.getState());

            Instant now = Instant.now();
            int events = 0;
            for (AuditEvent event : client.getAuditEvents().list(now.minus(Duration.ofDays(1)), now).asIterable()) {
                events++;
            }
            check(events > 0, "no audit events in the last day");

            try {
                client.getWorkflowRuns().get("wf-20240101-00000-nothere");
                check(false, "expected NotFoundException for a missing run");
            } catch (NotFoundException e) {
                check(e.getStatus() == 404, "status " + e.getStatus());
            }
            System.out.println("kotlin smoke: amperity-sdk " + Amperity.VERSION + ": " + count + " segments, run "
                    + done.getId() + " succeeded, " + events + " audit events; User-Agent " + ua);
        }
    }
}
