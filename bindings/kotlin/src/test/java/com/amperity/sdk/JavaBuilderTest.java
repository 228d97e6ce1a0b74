package com.amperity.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amperity.sdk.ffi.RunState;
import com.amperity.sdk.ffi.Segment;
import com.amperity.sdk.ffi.Workflow;
import com.amperity.sdk.ffi.WorkflowView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import kotlin.sequences.SequencesKt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SDK as a Java caller sees it: builder, overloads, iterators, exceptions. */
class JavaBuilderTest {
    private static MockServer mock;

    @BeforeAll
    static void start() {
        mock = new MockServer("--segments", "230", "--run-step-ms", "20");
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    private static Client client() {
        return Client.builder("acme")
                .token("mock-token")
                .baseUrl(mock.getBaseUrl())
                .requestTimeout(Duration.ofSeconds(10))
                .maxAttempts(2)
                .initialBackoff(Duration.ofMillis(5))
                .noRateLimit()
                .userAgentSuffix("java-test/1")
                .build();
    }

    @Test
    void listsWithIteratorsAndOverloads() {
        try (Client client = client()) {
            List<String> ids = new ArrayList<>();
            for (Iterator<Segment> it = client.getSegments().list(100).iterator(); it.hasNext(); ) {
                ids.add(it.next().getId());
            }
            assertEquals(230, ids.size());

            int count = 0;
            for (Segment segment : client.getSegments().list().asIterable()) {
                assertTrue(segment.getId().startsWith("seg-"));
                count++;
            }
            assertEquals(230, count);

            try (PageIterator<Segment> pages = client.getSegments().list(100, true).pages()) {
                Page<Segment> first = pages.next();
                assertEquals(100, first.getItems().size());
                assertEquals(Long.valueOf(230), first.getTotal());
                assertNotNull(first.getNextToken());
                int rest = 0;
                for (Segment ignored : SequencesKt.asIterable(client.getSegments().list(100, false, first.getNextToken()))) {
                    rest++;
                }
                assertEquals(130, rest);
            }

            Instant now = Instant.now();
            assertTrue(client.getAuditEvents().list(now.minus(Duration.ofDays(1)), now).iterator().hasNext());
            assertTrue(client.getUserAgent().endsWith("amperity-kotlin/" + Amperity.VERSION + " java-test/1"));
            assertTrue(client.getIngestJobs().list(now.minus(Duration.ofDays(7)), now).getItems().size() > 0);
            assertEquals(200, client.raw(com.amperity.sdk.ffi.RawMethod.GET, "/segments", Map.of("limit", "1")).getStatus());
        }
    }

    @Test
    void workflowsAndExceptions() {
        try (Client client = client()) {
            Workflow run = client.getWorkflowRuns().run("cg-java");
            Workflow done = client.getWorkflowRuns().wait(run.getId(), Duration.ofMillis(20), Duration.ofSeconds(20));
            assertEquals(RunState.Succeeded.INSTANCE, done.getState());
            assertTrue(RunStates.isTerminal(done.getState()));
            assertEquals(run.getId(), client.getWorkflowRuns().get(run.getId(), WorkflowView.VERBOSE).getId());

            NotFoundException missing = assertThrows(NotFoundException.class,
                    () -> client.getWorkflowRuns().get("wf-20240101-00000-nothere"));
            assertEquals(404, missing.getStatus());
            assertNotNull(missing.getRequestId());
            assertNotNull(missing.getTraceId());
            assertTrue(missing.getMessage().contains("404"));
            AmperityException base = missing;
            assertNotNull(base);

            ConflictException conflict = assertThrows(ConflictException.class,
                    () -> client.getWorkflowRuns().stop(run.getId()));
            assertEquals(409, conflict.getStatus());
        }
        assertThrows(ConfigurationException.class, () -> Client.builder("acme").build());
        assertThrows(ConfigurationException.class,
                () -> Client.builder("acme").token("t").clientCredentials("id", "secret").build());
    }

    @Test
    void streamsWithOverloadsAndTryWithResources() {
        try (StreamClient streams = new StreamClient("acme", "mock-stream-token", mock.getOrigin())) {
            streams.sendJson("is-java", "{\"n\": 0}");
            EventSender sender = streams.sender("is-java");
            try (sender) {
                long first = sender.send("{\"n\": 1}");
                assertEquals(0L, first);
                sender.trySend("{\"n\": 2}");
            }
            DeliveryReport report = sender.getCloseReport();
            assertNotNull(report);
            assertEquals(2L, report.getAccepted());
            assertTrue(report.getFailed().isEmpty());
            assertThrows(SenderClosedException.class, () -> sender.send("{}"));
            try (EventSender xml = streams.sender("is-java-xml", com.amperity.sdk.ffi.PayloadFormat.XML, 10, 1)) {
                xml.send("<a/>");
                assertEquals(1L, xml.flush().getAccepted());
            }
        }
        assertThrows(ConfigurationException.class, () -> new StreamClient("acme", ""));
    }
}
