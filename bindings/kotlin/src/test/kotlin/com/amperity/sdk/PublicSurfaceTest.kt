package com.amperity.sdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.lang.reflect.Method
import java.lang.reflect.Modifier

/**
 * Guards of the public surface: callable from Java (no mangled names, no unsigned types) and
 * free of JDK APIs that Android lacks.
 */
class PublicSurfaceTest {
    private val classesDir = File(Segments::class.java.protectionDomain.codeSource.location.toURI())

    /** Every public class of the idiomatic layer (package com.amperity.sdk, not .ffi). */
    private fun layerClasses(): List<Class<*>> =
        File(classesDir, "com/amperity/sdk").listFiles()!!
            .filter { it.isFile && it.name.endsWith(".class") }
            .map { Class.forName("com.amperity.sdk." + it.name.removeSuffix(".class")) }
            .filter { Modifier.isPublic(it.modifiers) }

    private fun publicMethods(type: Class<*>): List<Method> =
        type.declaredMethods.filter { Modifier.isPublic(it.modifiers) && !it.isSynthetic }

    @Test
    fun `no mangled names or unsigned types reach Java callers`() {
        val unsigned = setOf("kotlin.UInt", "kotlin.ULong", "kotlin.UShort", "kotlin.UByte")
        val checked = mutableSetOf<Class<*>>()
        val queue = ArrayDeque(layerClasses())
        val problems = mutableListOf<String>()
        while (queue.isNotEmpty()) {
            val type = queue.removeFirst()
            if (!checked.add(type)) continue
            for (method in publicMethods(type)) {
                if ('-' in method.name) problems += "${type.name}.${method.name} (mangled)"
                val types = method.parameterTypes.toList() + method.returnType
                types.filter { it.name in unsigned }.forEach { problems += "${type.name}.${method.name} uses ${it.name}" }
                // Follow the generated models the public API hands out (records, enums).
                types.filter { it.name.startsWith("com.amperity.sdk.ffi.") && !it.name.contains("Pager") && it.simpleName != "Client" }
                    .forEach { queue.add(it) }
            }
        }
        assertTrue(checked.any { it.name == "com.amperity.sdk.ffi.Workflow" }) { "the walk did not reach the models" }
        assertEquals(emptyList<String>(), problems)
    }

    @Test
    fun `the Kotlin layer uses only JDK APIs that Android has`() {
        // Android (API 26+) has java.lang, java.util(.concurrent), java.nio, java.time, java.io;
        // not java.net.http, java.awt, javax.management, java.lang.ProcessBuilder users, etc.
        val allowed = listOf("java.time.", "java.util.", "java.nio.", "java.io.", "java.lang.")
        val sources = File("src/main/kotlin").walk().filter { it.extension == "kt" }.toList()
        assertTrue(sources.size >= 5) { "sources not found from ${File(".").absolutePath}" }
        val references = Regex("""\bjavax?\.[a-z]+(\.[a-zA-Z_]+)+""")
        val bad = sources.flatMap { file ->
            references.findAll(file.readText()).map { it.value }
                .filterNot { ref -> allowed.any { ref.startsWith(it) } }
                .map { "${file.name}: $it" }
        }
        assertEquals(emptyList<String>(), bad)
    }
}
