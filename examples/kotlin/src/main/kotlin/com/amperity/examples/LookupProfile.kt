// Looks a customer profile up by email with the Profile API (a filtered profile list).
//
// Usage: LookupProfile [EMAIL [INDEX_ID]]. With tenant credentials in the environment (read
// like ListSegments: AMPERITY_TENANT, AMPERITY_TOKEN or AMPERITY_CLIENT_ID + AMPERITY_CLIENT_SECRET,
// AMPERITY_BASE_URL ...), the index defaults to the tenant's first one and the email to that of
// its first profile. Without credentials it asks the bundled mock server at AMPERITY_BASE_URL
// (tenant acme, token mock-token) for `a+b@x.com` in its customers index idx-3kPq7Zt2c (the `+`
// and `@` travel percent-encoded).
@file:JvmName("LookupProfile")

package com.amperity.examples

import com.amperity.sdk.AmperityException
import com.amperity.sdk.Client
import kotlin.system.exitProcess

private const val MOCK_INDEX_ID = "idx-3kPq7Zt2c"
private const val MOCK_EMAIL = "a+b@x.com"

fun main(args: Array<String>) {
    val env = System.getenv()
    val hasCredentials = listOf("AMPERITY_TOKEN", "AMPERITY_CLIENT_ID").any { !env[it].isNullOrBlank() }
    try {
        val client = if (hasCredentials) {
            Client.fromEnv()
        } else {
            val mock = env["AMPERITY_BASE_URL"]?.takeIf { it.isNotBlank() }
                ?: fail("no credentials and no AMPERITY_BASE_URL: set AMPERITY_TOKEN, or point AMPERITY_BASE_URL at a mock (cargo run -p amperity-mock)")
            System.err.println("No AMPERITY_TOKEN or AMPERITY_CLIENT_ID set: using the mock Amperity server at $mock")
            Client(tenant = "acme", token = "mock-token", baseUrl = mock)
        }
        client.use {
            val indexId = args.getOrNull(1) ?: MOCK_INDEX_ID.takeUnless { hasCredentials }
            val index = if (indexId != null) {
                client.indexes.get(indexId)
            } else {
                client.indexes.list(limit = 1).firstOrNull() ?: fail("the tenant has no Profile API index")
            }
            println("index ${index.id} (${index.name})")
            val email = args.getOrNull(0) ?: MOCK_EMAIL.takeUnless { hasCredentials }
                // Attribute values are JSON texts: a string's quotes are dropped.
                ?: client.profiles.list(index.id, limit = 1).firstOrNull()?.attributes?.get("email")?.trim('"')
                ?: fail("the index's first profile has no email attribute")
            // Lazy: one request per page; the conditions are ANDed exact matches.
            val matches = client.profiles.list(index.id, conditions = mapOf("email" to email)).toList()
            for (profile in matches) {
                println("profile ${profile.id}")
                // Attribute values are JSON texts ("\"Mary\"", 12.5, true).
                for ((name, value) in profile.attributes.toSortedMap()) println("  %-16s %s".format(name, value))
            }
            val plural = if (matches.size == 1) "" else "s"
            println("Found ${matches.size} profile$plural with email $email in ${index.name}.")
        }
    } catch (e: AmperityException) {
        fail("error: ${e.message}")
    }
}

private fun fail(message: String): Nothing {
    System.err.println(message)
    exitProcess(1)
}
