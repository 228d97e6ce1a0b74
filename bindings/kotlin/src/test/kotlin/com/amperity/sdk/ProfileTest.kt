package com.amperity.sdk

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.URLDecoder

/** The Profile API against the mock: indexes, profiles, filters, gets and its own api-version. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProfileTest {
    private lateinit var mock: MockServer
    private lateinit var client: Client

    @BeforeAll
    fun start() {
        mock = MockServer()
        client = mock.client()
    }

    @AfterAll
    fun stop() {
        client.close()
        mock.close()
    }

    @Test
    fun `indexes list and get`() {
        mock.clearRequests()
        val indexes = client.indexes.list().toList()
        assertEquals(listOf(CUSTOMERS, LOYALTY, EMPTY), indexes.map { it.id })
        val loyalty = client.indexes.get(LOYALTY)
        assertTrue("build_id" in loyalty.extra.keys, "unmodelled fields are kept")
        val empty = client.indexes.get(EMPTY)
        assertNull(empty.description)
        assertNull(empty.createdAt)
        assertTrue(mock.apiRequests("indexes").all { it.header("api-version") == "2025-07-31" })
    }

    @Test
    fun `profiles filtered by an email with reserved characters`() {
        mock.clearRequests()
        val found = client.profiles.list(CUSTOMERS, conditions = mapOf("email" to "a+b@x.com")).toList()
        assertEquals(1, found.size)
        assertEquals(CUSTOMERS, found[0].indexId)
        // Attribute values are JSON texts.
        assertEquals("\"a+b@x.com\"", found[0].attributes["email"])
        val query = mock.apiRequests("indexes").single().query
        assertTrue(query.contains("a%2Bb%40x.com"), query)
        assertEquals("filter[email]=a+b@x.com", URLDecoder.decode(query.replace("+", "%2B"), "UTF-8").split('&').first { it.startsWith("filter") })
        val none = client.profiles.list(CUSTOMERS, conditions = mapOf("given_name" to "Mary Ann", "email" to "nobody@x")).toList()
        assertTrue(none.isEmpty(), "conditions are ANDed")
    }

    @Test
    fun `profiles page 25 at a time by default and get finds each`() {
        val first = client.profiles.list(CUSTOMERS, withTotal = true).firstPage()
        assertEquals(25, first.items.size)
        assertEquals(3000L, first.total)
        val loyal = client.profiles.list(LOYALTY, limit = 1).first()
        // The loyalty index sends attributes as an array of objects: merged into one map.
        assertTrue("email" in loyal.attributes.keys)
        assertEquals(loyal, client.profiles.get(LOYALTY, loyal.id))
    }

    @Test
    fun `unknown ids are not found with the server's message`() {
        val e = assertThrows<NotFoundException> { client.indexes.get("idx-nope") }
        assertEquals(404, e.status)
        assertEquals("The requested entity does not exist.", e.detail)
        assertThrows<NotFoundException> { client.profiles.get(CUSTOMERS, "cl-nope") }
    }

    @Test
    fun `a bad filter attribute is refused before anything is sent`() {
        mock.clearRequests()
        assertThrows<InvalidArgumentException> { client.profiles.list(CUSTOMERS, conditions = mapOf("" to "x")).firstPage() }
        assertThrows<InvalidArgumentException> { client.profiles.list(CUSTOMERS, conditions = mapOf("a[b]" to "x")).firstPage() }
        assertTrue(mock.apiRequests("indexes").isEmpty())
    }

    @Test
    fun `the profile api-version is its own setting`() {
        Client(tenant = "acme", token = "mock-token", baseUrl = mock.baseUrl, apiVersion = "unstable").use {
            assertEquals(3, it.indexes.list().toList().size)
        }
        Client.builder("acme").token("mock-token").baseUrl(mock.baseUrl).profileApiVersion("2024-04-01").build().use {
            assertThrows<BadRequestException> { it.indexes.list().firstPage() }
        }
    }

    private companion object {
        const val CUSTOMERS = "idx-3kPq7Zt2c"
        const val LOYALTY = "idx-8Wm4Rx1cL"
        const val EMPTY = "idx-5Hn2Yv9bE"
    }
}
