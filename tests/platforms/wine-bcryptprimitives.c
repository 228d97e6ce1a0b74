/*
 * ProcessPrng for wine 8 (Debian 12), which lacks bcryptprimitives.dll: Rust's standard library
 * (1.78 and newer) takes its random numbers from there on Windows 10 and newer, where the DLL is
 * part of the system. Built by tests/platforms/wine-run.sh into the wine prefix of the tests only;
 * never shipped. It forwards to BCryptGenRandom, the system RNG wine has.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
