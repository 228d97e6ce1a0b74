package com.amperity.sdk

import com.amperity.sdk.ffi.RunState
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.time.Instant

/** Every endpoint once, through the idiomatic layer, against one mock server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointsTest {
    private lateinit var mock: MockServer
    private lateinit var client: Client

    @BeforeAll
    fun start() {
        mock = MockServer("--segments", "250", "--campaigns", "30", "--campaign-drafts", "7", "--run-step-ms", "30")
        client = mock.client()
    }

    @AfterAll
    fun stop() {
        client.close()
        mock.close()
    }

    @Test
    fun `segments list walks every page`() {
        val segments = client.segments.list(limit = 100).toList()
        assertEquals(250, segments.size)
        assertEquals(250, segments.map { it.id }.toSet().size)
        assertTrue(segments.all { it.id.startsWith("seg-") && it.name.isNotEmpty() })
    }

    @Test
    fun `fields the SDK does not model are kept as JSON text`() {
        // The mock gives every 25th segment a `created_by` object the model does not have.
        val segments = client.segments.list(limit = 50).take(50).toList()
        assertEquals(setOf("created_by"), segments[24].extra.keys)
        val createdBy = segments[24].extra.getValue("created_by")
        assertTrue(createdBy.contains("\"kind\":\"api-key\"") && createdBy.contains("\"ak-00025\""), createdBy)
        assertTrue(segments.filterIndexed { i, _ -> i % 25 != 24 }.all { it.extra.isEmpty() })
    }

    @Test
    fun `campaigns and drafts`() {
        val campaigns = client.campaigns.list(limit = 7).toList()
        assertEquals(30, campaigns.size)
        assertTrue(campaigns.all { it.id.startsWith("cc-") })
        client.campaigns.list(destinationDataTemplateId = "ptg-2QLLqXBEq", limit = 5).firstPage()
        assertTrue(mock.apiRequests("campaigns").last().query.contains("destination_data_template_id=ptg-2QLLqXBEq"))

        // Drafts need api-version unstable.
        val e = assertThrows<BadRequestException> { client.campaignDrafts.list().firstPage() }
        assertEquals(400, e.status)
        mock.client(apiVersion = "unstable").use { unstable ->
            assertEquals("unstable", unstable.apiVersion)
            assertEquals(7, unstable.campaignDrafts.list(limit = 3).count())
        }
    }

    @Test
    fun `audit events of a window`() {
        val to = Instant.now()
        val from = to.minus(Duration.ofDays(1))
        val events = client.auditEvents.list(happenedFrom = from, happenedTo = to, limit = 200).toList()
        assertTrue(events.isNotEmpty())
        assertTrue(events.all { !it.happenedAt.isBefore(from) && it.happenedAt.isBefore(to) }) { "an event outside the window" }
        val all = client.auditEvents.list(limit = 1000).count()
        assertTrue(all > events.size)
        val query = mock.apiRequests("audit-events").first { it.query.contains("happened_from") }.query
        assertTrue(query.contains("happened_to=")) { query }
    }

    @Test
    fun `workflow runs list with filters`() {
        val succeeded = client.workflowRuns.list(state = RunState.Succeeded, limit = 50).toList()
        assertTrue(succeeded.isNotEmpty())
        assertTrue(succeeded.all { it.state == RunState.Succeeded && it.state.isTerminal })
        val typed = client.workflowRuns.list(workflowType = "courier.group/run", limit = 50).toList()
        assertTrue(typed.isNotEmpty() && typed.all { it.workflowType == "courier.group/run" })
        val since = Instant.now().minus(Duration.ofDays(2))
        val recent = client.workflowRuns.list(createdFrom = since, limit = 50).toList()
        assertTrue(recent.all { !it.createdAt.isBefore(since) })
        val query = mock.apiRequests("workflow/runs").map { it.query }
        assertTrue(query.any { it.contains("state=succeeded") })
        assertTrue(query.any { it.contains("type=courier.group") })
        assertTrue(query.any { it.contains("created_from=") })
    }

    @Test
    fun `run, get, wait and stop a workflow`() {
        val run = client.workflowRuns.run("cg-2Bn8kLq", runMode = RunMode.FULL)
        assertTrue(run.id.startsWith("wf-"))
        assertEquals("courier.group/run", run.workflowType)
        assertFalse(run.isFinished)
        val overview = client.workflowRuns.get(run.id)
        assertEquals(run.id, overview.id)
        assertTrue(overview.taskInstances.isEmpty())
        assertNull(overview.principalId)
        val verbose = client.workflowRuns.get(run.id, WorkflowView.VERBOSE)
        assertEquals("api-key|ak-mock", verbose.principalId)
        assertNotNull(verbose.launchedVersion)
        val done = client.workflowRuns.wait(run.id, pollInterval = Duration.ofMillis(20), timeout = Duration.ofSeconds(20))
        assertEquals(RunState.Succeeded, done.state)
        assertTrue(done.isFinished)
        assertNotNull(done.endedAt)
        assertTrue(done.taskInstances.isNotEmpty()) // wait returns the verbose view

        val failing = client.workflowRuns.run("cg-fail-nightly")
        val failed = client.workflowRuns.wait(failing.id, pollInterval = Duration.ofMillis(20), timeout = Duration.ofSeconds(20))
        assertEquals(RunState.Failed, failed.state)
        assertEquals("customer", failed.error?.attribution)

        val stopping = client.workflowRuns.run("og-5tXq9")
        val stopped = client.workflowRuns.stop(stopping.id)
        assertEquals(stopping.id, stopped.id)
        assertEquals(RunState.Canceled, stopped.state)
        assertTrue(stopped.state.isTerminal)
        assertEquals(RunState.Canceled, client.workflowRuns.get(stopping.id).state)
        val body = mock.apiRequests("workflow/runs").first { it.method == "POST" && !it.path.endsWith("/stop") }
        assertEquals("application/json", body.header("content-type")?.substringBefore(';'))
    }

    @Test
    fun `wait reports progress, fails on an unsuccessful end and times out with the last run`() {
        val seen = mutableListOf<WaitProgress>()
        val run = client.workflowRuns.run("cg-progress")
        val done = client.workflowRuns.wait(run.id, pollInterval = Duration.ofMillis(10), onProgress = { seen += it })
        assertTrue(done.isFinished && seen.size >= 2, "$seen")
        assertEquals(done.state, seen.last().workflow.state)
        assertTrue(seen.last().tasksTotal >= 1 && seen.last().tasksFinished == seen.last().tasksTotal)
        assertEquals(seen.size, seen.map { it.workflow.state to it.tasksFinished }.toSet().size, "only changes")

        val again = client.workflowRuns.run("cg-progress")
        val stop = IllegalStateException("enough")
        val thrown = runCatching {
            client.workflowRuns.wait(again.id, pollInterval = Duration.ofMillis(10), onProgress = { throw stop })
        }.exceptionOrNull()
        assertTrue(thrown === stop, "got $thrown")

        val failing = client.workflowRuns.run("cg-fail-nightly")
        val failed = assertThrows<RunFailedException> {
            client.workflowRuns.wait(failing.id, pollInterval = Duration.ofMillis(10), failOnUnsuccessful = true)
        }
        assertEquals(RunState.Failed, failed.workflow.state)
        assertTrue(failed.message!!.contains("ended failed") && failed.message!!.contains(failed.workflow.error!!.message))

        val slow = client.workflowRuns.run("cg-slow")
        val timedOut = assertThrows<WaitTimeoutException> {
            client.workflowRuns.wait(slow.id, pollInterval = Duration.ofMillis(5), timeout = Duration.ofMillis(20))
        }
        assertEquals(slow.id, timedOut.lastWorkflow.id)
        assertEquals(timedOut.lastState, timedOut.lastWorkflow.state.wireName)
    }

    @Test
    fun `ingest jobs list and get`() {
        val now = Instant.now()
        val list = client.ingestJobs.list(now.minus(Duration.ofDays(7)), now, withTotal = true)
        assertTrue(list.items.isNotEmpty())
        assertEquals(list.items.size.toLong(), list.total)
        val first = list.items.first()
        val job = client.ingestJobs.get(first.id)
        assertEquals(first, job)
        assertTrue(job.tables.isNotEmpty() && job.tables.all { it.jobId == job.id })
        assertThrows<NotFoundException> { client.ingestJobs.get("isj-20240101-00000-nothere") }
    }

    @Test
    fun `raw request and raw pages`() {
        val response = client.raw(RawMethod.GET, "/segments", mapOf("limit" to "3"))
        assertEquals(200, response.status)
        val body = MockServer.MAPPER.readTree(response.body)
        assertEquals(3, body["data"].size())
        assertNotNull(body["next_token"])

        val items = client.rawPages("/segments", limit = 100).toList()
        assertEquals(250, items.size)
        assertTrue(MockServer.MAPPER.readTree(items[0])["id"].asText().startsWith("seg-"))

        val created = client.raw(RawMethod.POST, "/workflow/runs", body = """{"config_id":"cc-raw1"}""")
        assertEquals(201, created.status)
        assertEquals("campaign.send", MockServer.MAPPER.readTree(created.body)["type"].asText())
    }

    @Test
    fun `deprecation headers are collected, dated and logged at WARNING`() {
        val records = java.util.Collections.synchronizedList(mutableListOf<java.util.logging.LogRecord>())
        val handler = object : java.util.logging.Handler() {
            override fun publish(record: java.util.logging.LogRecord) {
                records += record
            }
            override fun flush() {}
            override fun close() {}
        }
        val logger = java.util.logging.Logger.getLogger("com.amperity.sdk")
        logger.addHandler(handler)
        try {
            mock.client().use { fresh ->
                assertTrue(fresh.deprecationNotices.isEmpty())
                mock.fault("path=/api/campaigns,deprecation")
                fresh.campaigns.list(limit = 1).firstPage()
                val notice = fresh.deprecationNotices.single()
                assertEquals("list-campaign", notice.operation)
                assertNotNull(notice.deprecation)
                assertEquals(Instant.parse("2026-09-01T23:59:59Z"), notice.deprecatedAt)
                assertEquals(Instant.parse("2027-12-01T23:59:59Z"), notice.sunsetAt)
            }
            val warning = records.single { it.parameters?.firstOrNull() == "amperity::deprecation" }
            assertEquals(java.util.logging.Level.WARNING, warning.level)
            assertTrue(warning.message.contains("list-campaign"), warning.message)
        } finally {
            logger.removeHandler(handler)
        }
    }

    @Test
    fun `the request hook sees every attempt`() {
        val seen = java.util.Collections.synchronizedList(mutableListOf<RequestInfo>())
        mock.fault("path=/api/segments,status=503,count=1")
        Client(
            tenant = "acme", token = "mock-token", baseUrl = mock.baseUrl, rateLimitPerSecond = null,
            initialBackoff = Duration.ofMillis(1), onRequest = { seen += it },
        ).use { it.segments.list(limit = 5).firstPage() }
        assertEquals(
            listOf(Triple("list-segment", 503, 1), Triple("list-segment", 200, 2)),
            seen.map { Triple(it.operation, it.status, it.attempt) },
        )
        assertTrue(seen.all { it.method == "GET" && it.url.contains("/api/segments?") })
    }

    @Test
    fun `errors say how many attempts were made`() {
        mock.clearRequests()
        mock.fault("path=/api/segments,status=503,count=0")
        val error = try {
            assertThrows<ServerException> { client.segments.list(limit = 1).firstPage() }
        } finally {
            mock.clearFaults()
        }
        assertTrue(error.attempts >= 2, "${error.attempts}")
        assertEquals(error.attempts, mock.apiRequests("segments").size)
    }

    @Test
    fun `client reports its settings`() {
        assertEquals("acme", client.tenant)
        assertEquals(mock.baseUrl, client.baseUrl)
        assertEquals("2024-04-01", client.apiVersion)
        assertTrue(client.userAgent.endsWith(Amperity.USER_AGENT_PRODUCT)) { client.userAgent }
        client.segments.list(limit = 1).firstPage()
        val sent = mock.apiRequests("segments").last()
        assertEquals(client.userAgent, sent.header("user-agent"))
        assertEquals("acme", sent.header("amperity-tenant"))
        assertEquals("2024-04-01", sent.header("api-version"))
        assertNull(sent.header("x-amperity-tenant"))
    }
}
