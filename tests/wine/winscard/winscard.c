/* The PE half of the test winscard.dll: the Windows entry points SmartCardPS's WinSCardApi calls, with Windows'
 * types (32-bit DWORDs, UTF-16 names, Windows' protocol and state values), over the Unix half (unixlib.c) that
 * calls pcsc-lite. Debian's Wine 8 ships winscard.dll as a stub; this one lets the suite run the Windows code
 * path against the same pcscd and virtual readers as the Linux run. Test-only: never installed for users. */
/* Lean: windows.h would bring mingw's winscard.h, whose import declarations this file defines. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winternl.h>
#include "unixcalls.h"

/* SCARD_* codes come from winerror.h. */

#define SCARD_AUTOALLOCATE ((DWORD)-1)
#define WINDOWS_PROTOCOL_RAW 0x10000
#define PCSCLITE_PROTOCOL_RAW 4
#define CONTEXT_MAGIC 0x43545853 /* "SXTC" */
#define CARD_MAGIC 0x44524143    /* "CARD" */

typedef ULONG_PTR SCARDCONTEXT, SCARDHANDLE;
typedef struct { DWORD dwProtocol; DWORD cbPciLength; } SCARD_IO_REQUEST;
typedef struct
{
    LPCWSTR szReader; LPVOID pvUserData; DWORD dwCurrentState; DWORD dwEventState; DWORD cbAtr; BYTE rgbAtr[36];
} SCARD_READERSTATEW;

/* Handles are opaque values, as Windows makes them: an index into this table, so a released, foreign or made-up handle
 * is refused with ERROR_INVALID_HANDLE (Windows' own answer) instead of being read as memory or reaching pcscd. */
struct handle { DWORD magic; UINT64 unix_handle; };
#define MAX_HANDLES 1024
#define HANDLE_BASE 0x5CA00000
static struct handle handles[MAX_HANDLES];
static CRITICAL_SECTION handles_lock;

typedef NTSTATUS (WINAPI *unix_call_fn)(UINT64 handle, unsigned int code, void *args);
typedef NTSTATUS (WINAPI *query_memory_fn)(HANDLE, const void *, int, void *, SIZE_T, SIZE_T *);
static unix_call_fn unix_call;
static UINT64 unixlib;

static LONG call(enum unix_call code, void *args)
{
    if (!unix_call || !unixlib) return SCARD_F_INTERNAL_ERROR; /* winscard.so did not load */
    return (LONG)unix_call(unixlib, code, args);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    if (reason != DLL_PROCESS_ATTACH) return TRUE;
    DisableThreadLibraryCalls(instance);
    InitializeCriticalSection(&handles_lock);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    /* Wine 8's unixlib interface: ntdll's __wine_unix_call, and the Unix half's handle from
     * NtQueryVirtualMemory(MemoryWineUnixFuncs = 1000) on this module, which makes the loader dlopen winscard.so. */
    unix_call = (unix_call_fn)GetProcAddress(ntdll, "__wine_unix_call");
    query_memory_fn query = (query_memory_fn)GetProcAddress(ntdll, "NtQueryVirtualMemory");
    if (query && query(GetCurrentProcess(), instance, 1000, &unixlib, sizeof(unixlib), NULL)) unixlib = 0;
    return TRUE;
}

/* The handle's value, or 0 when the table is full. */
static ULONG_PTR new_handle(DWORD magic, UINT64 unix_handle)
{
    ULONG_PTR value = 0;
    EnterCriticalSection(&handles_lock);
    for (int i = 0; i < MAX_HANDLES && !value; i++)
    {
        if (handles[i].magic) continue;
        handles[i].magic = magic;
        handles[i].unix_handle = unix_handle;
        value = HANDLE_BASE + i;
    }
    LeaveCriticalSection(&handles_lock);
    return value;
}

/* The pcsc-lite handle behind `value`, or FALSE when `value` is no live handle of this kind. */
static BOOL get_handle(ULONG_PTR value, DWORD magic, UINT64 *unix_handle)
{
    BOOL found = FALSE;
    EnterCriticalSection(&handles_lock);
    if (value >= HANDLE_BASE && value < HANDLE_BASE + MAX_HANDLES && handles[value - HANDLE_BASE].magic == magic)
    {
        *unix_handle = handles[value - HANDLE_BASE].unix_handle;
        found = TRUE;
    }
    LeaveCriticalSection(&handles_lock);
    return found;
}

static void free_handle(ULONG_PTR value)
{
    EnterCriticalSection(&handles_lock);
    if (value >= HANDLE_BASE && value < HANDLE_BASE + MAX_HANDLES) handles[value - HANDLE_BASE].magic = 0;
    LeaveCriticalSection(&handles_lock);
}

static char *to_utf8(LPCWSTR text)
{
    int length = WideCharToMultiByte(CP_UTF8, 0, text, -1, NULL, 0, NULL, NULL);
    char *utf8 = length > 0 ? HeapAlloc(GetProcessHeap(), 0, length) : NULL;
    if (utf8) WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, length, NULL, NULL);
    return utf8;
}

/* Copies a UTF-8 multi-string (or single string) of `length` bytes out as UTF-16 the way winscard.dll fills a
 * caller's buffer: the needed length in characters when `out` is NULL, SCARD_AUTOALLOCATE, or the buffer given. */
static LONG copy_out_wide(const char *utf8, int length, LPWSTR out, LPDWORD out_length)
{
    int wide = MultiByteToWideChar(CP_UTF8, 0, utf8, length, NULL, 0);
    if (!out) { *out_length = wide; return SCARD_S_SUCCESS; }
    if (*out_length == SCARD_AUTOALLOCATE)
    {
        LPWSTR buffer = HeapAlloc(GetProcessHeap(), 0, wide * sizeof(WCHAR));
        if (!buffer) return SCARD_E_NO_MEMORY;
        MultiByteToWideChar(CP_UTF8, 0, utf8, length, buffer, wide);
        *(LPWSTR *)out = buffer;
        *out_length = wide;
        return SCARD_S_SUCCESS;
    }
    if (*out_length < (DWORD)wide) { *out_length = wide; return SCARD_E_INSUFFICIENT_BUFFER; }
    MultiByteToWideChar(CP_UTF8, 0, utf8, length, out, wide);
    *out_length = wide;
    return SCARD_S_SUCCESS;
}

static UINT64 protocols_in(DWORD p) { return (p & 3) | (p & WINDOWS_PROTOCOL_RAW ? PCSCLITE_PROTOCOL_RAW : 0); }
static DWORD protocols_out(UINT64 p) { return (DWORD)(p & 3) | (p & PCSCLITE_PROTOCOL_RAW ? WINDOWS_PROTOCOL_RAW : 0); }

/* pcsc-lite's SCardStatus gives a bit mask (SCARD_ABSENT 0x2 … SCARD_SPECIFIC 0x40); Windows an ordinal (1 … 6). */
static DWORD state_out(UINT64 mask)
{
    DWORD ordinal = 6;
    for (UINT64 bit = 0x40; bit >= 0x2; bit >>= 1, ordinal--) if (mask & bit) return ordinal;
    return 0;
}

/* A call that takes nothing but one handle of this kind. */
static LONG handle_call(ULONG_PTR value, DWORD magic, enum unix_call code)
{
    UINT64 h;
    if (!get_handle(value, magic, &h)) return ERROR_INVALID_HANDLE;
    struct handle_params params = { h };
    return call(code, &params);
}

LONG WINAPI SCardEstablishContext(DWORD scope, LPCVOID reserved1, LPCVOID reserved2, SCARDCONTEXT *context)
{
    if (!context) return SCARD_E_INVALID_PARAMETER;
    UINT64 unix_handle;
    struct establish_params params = { scope, &unix_handle };
    LONG rc = call(call_establish_context, &params);
    if (rc) return rc;
    ULONG_PTR h = new_handle(CONTEXT_MAGIC, unix_handle);
    if (!h) return SCARD_E_NO_MEMORY;
    *context = h;
    return SCARD_S_SUCCESS;
}

LONG WINAPI SCardReleaseContext(SCARDCONTEXT context)
{
    UINT64 h;
    if (!get_handle(context, CONTEXT_MAGIC, &h)) return ERROR_INVALID_HANDLE;
    struct handle_params params = { h };
    LONG rc = call(call_release_context, &params);
    free_handle(context);
    return rc;
}

LONG WINAPI SCardIsValidContext(SCARDCONTEXT context) { return handle_call(context, CONTEXT_MAGIC, call_is_valid_context); }

LONG WINAPI SCardCancel(SCARDCONTEXT context) { return handle_call(context, CONTEXT_MAGIC, call_cancel); }

LONG WINAPI SCardListReadersW(SCARDCONTEXT context, LPCWSTR groups, LPWSTR readers, LPDWORD length)
{
    UINT64 h;
    if (!get_handle(context, CONTEXT_MAGIC, &h)) return ERROR_INVALID_HANDLE;
    if (!length) return SCARD_E_INVALID_PARAMETER;
    for (;;)
    {
        /* pcsc-lite counts UTF-8 bytes and the caller UTF-16 characters: read the whole list, then convert. */
        UINT64 size = 0;
        struct list_readers_params query = { h, NULL, &size };
        LONG rc = call(call_list_readers, &query);
        if (rc) return rc;
        char *list = HeapAlloc(GetProcessHeap(), 0, size);
        if (!list) return SCARD_E_NO_MEMORY;
        struct list_readers_params params = { h, list, &size };
        rc = call(call_list_readers, &params);
        if (!rc) rc = copy_out_wide(list, (int)size, readers, length);
        HeapFree(GetProcessHeap(), 0, list);
        /* A reader added between the two calls: ask again. */
        if (rc != SCARD_E_INSUFFICIENT_BUFFER || !readers || *length != SCARD_AUTOALLOCATE) return rc;
    }
}

LONG WINAPI SCardGetStatusChangeW(SCARDCONTEXT context, DWORD timeout, SCARD_READERSTATEW *states, DWORD count)
{
    UINT64 h;
    if (!get_handle(context, CONTEXT_MAGIC, &h)) return ERROR_INVALID_HANDLE;
    if (count && !states) return SCARD_E_INVALID_PARAMETER;
    struct unix_reader_state *unix_states = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*unix_states) * (count ? count : 1));
    if (!unix_states) return SCARD_E_NO_MEMORY;
    LONG rc = SCARD_S_SUCCESS;
    for (DWORD i = 0; i < count && !rc; i++)
    {
        if (!(unix_states[i].reader = to_utf8(states[i].szReader))) rc = SCARD_E_NO_MEMORY;
        unix_states[i].user_data = states[i].pvUserData;
        /* The caller's known state goes through: without it pcscd sees every reader as changed and returns at once,
         * so a watch would spin (upstream Wine 9's map_states_inW copies only the name). */
        unix_states[i].current_state = states[i].dwCurrentState;
    }
    if (!rc)
    {
        /* Windows' INFINITE and pcsc-lite's are both 0xFFFFFFFF. */
        struct get_status_change_params params = { h, timeout, unix_states, count };
        rc = call(call_get_status_change, &params);
    }
    if (!rc)
    {
        for (DWORD i = 0; i < count; i++)
        {
            states[i].dwEventState = (DWORD)unix_states[i].event_state;
            states[i].cbAtr = (DWORD)(unix_states[i].atr_length <= 33 ? unix_states[i].atr_length : 33);
            memcpy(states[i].rgbAtr, unix_states[i].atr, states[i].cbAtr);
        }
    }
    for (DWORD i = 0; i < count; i++) HeapFree(GetProcessHeap(), 0, (void *)unix_states[i].reader);
    HeapFree(GetProcessHeap(), 0, unix_states);
    return rc;
}

LONG WINAPI SCardConnectW(SCARDCONTEXT context, LPCWSTR reader, DWORD share, DWORD preferred, SCARDHANDLE *card, LPDWORD active)
{
    UINT64 h;
    if (!get_handle(context, CONTEXT_MAGIC, &h)) return ERROR_INVALID_HANDLE;
    if (!reader || !card || !active) return SCARD_E_INVALID_PARAMETER;
    char *name = to_utf8(reader);
    if (!name) return SCARD_E_NO_MEMORY;
    UINT64 unix_card = 0, unix_active = 0;
    struct connect_params params = { h, name, share, protocols_in(preferred), &unix_card, &unix_active };
    LONG rc = call(call_connect, &params);
    HeapFree(GetProcessHeap(), 0, name);
    if (rc) return rc;
    ULONG_PTR c = new_handle(CARD_MAGIC, unix_card);
    if (!c) return SCARD_E_NO_MEMORY;
    *card = c;
    *active = protocols_out(unix_active);
    return SCARD_S_SUCCESS;
}

LONG WINAPI SCardReconnect(SCARDHANDLE card, DWORD share, DWORD preferred, DWORD initialization, LPDWORD active)
{
    UINT64 c;
    if (!get_handle(card, CARD_MAGIC, &c)) return ERROR_INVALID_HANDLE;
    UINT64 unix_active = 0;
    struct reconnect_params params = { c, share, protocols_in(preferred), initialization, &unix_active };
    LONG rc = call(call_reconnect, &params);
    if (!rc && active) *active = protocols_out(unix_active);
    return rc;
}

LONG WINAPI SCardDisconnect(SCARDHANDLE card, DWORD disposition)
{
    UINT64 c;
    if (!get_handle(card, CARD_MAGIC, &c)) return ERROR_INVALID_HANDLE;
    struct disposition_params params = { c, disposition };
    LONG rc = call(call_disconnect, &params);
    if (!rc) free_handle(card);
    return rc;
}

LONG WINAPI SCardBeginTransaction(SCARDHANDLE card) { return handle_call(card, CARD_MAGIC, call_begin_transaction); }

LONG WINAPI SCardEndTransaction(SCARDHANDLE card, DWORD disposition)
{
    UINT64 c;
    if (!get_handle(card, CARD_MAGIC, &c)) return ERROR_INVALID_HANDLE;
    struct disposition_params params = { c, disposition };
    return call(call_end_transaction, &params);
}

LONG WINAPI SCardStatusW(SCARDHANDLE card, LPWSTR names, LPDWORD names_length, LPDWORD state, LPDWORD protocol,
                         LPBYTE atr, LPDWORD atr_length)
{
    UINT64 c;
    if (!get_handle(card, CARD_MAGIC, &c)) return ERROR_INVALID_HANDLE;
    char unix_names[4096];
    unsigned char unix_atr[33];
    UINT64 unix_names_length = sizeof(unix_names), unix_state = 0, unix_protocol = 0, unix_atr_length = sizeof(unix_atr);
    struct status_params params = { c, unix_names, &unix_names_length, &unix_state, &unix_protocol, unix_atr, &unix_atr_length };
    LONG rc = call(call_status, &params);
    if (rc) return rc;
    if (state) *state = state_out(unix_state);
    if (protocol) *protocol = protocols_out(unix_protocol);
    if (names_length && (rc = copy_out_wide(unix_names, (int)unix_names_length, names, names_length))) return rc;
    if (atr_length)
    {
        if (atr && *atr_length < unix_atr_length) { *atr_length = (DWORD)unix_atr_length; return SCARD_E_INSUFFICIENT_BUFFER; }
        if (atr) memcpy(atr, unix_atr, unix_atr_length);
        *atr_length = (DWORD)unix_atr_length;
    }
    return SCARD_S_SUCCESS;
}

LONG WINAPI SCardTransmit(SCARDHANDLE card, const SCARD_IO_REQUEST *send_pci, const BYTE *send, DWORD send_length,
                          SCARD_IO_REQUEST *receive_pci, LPBYTE receive, LPDWORD receive_length)
{
    UINT64 c;
    if (!get_handle(card, CARD_MAGIC, &c)) return ERROR_INVALID_HANDLE;
    if (!send_pci || !receive_length) return SCARD_E_INVALID_PARAMETER;
    struct unix_io_request pci = { protocols_in(send_pci->dwProtocol), sizeof(struct unix_io_request) };
    UINT64 length = *receive_length;
    struct transmit_params params = { c, &pci, send, send_length, receive, &length };
    LONG rc = call(call_transmit, &params);
    *receive_length = (DWORD)length;
    return rc;
}

LONG WINAPI SCardControl(SCARDHANDLE card, DWORD code, LPCVOID input, DWORD input_length, LPVOID output,
                         DWORD output_capacity, LPDWORD returned)
{
    UINT64 c;
    if (!get_handle(card, CARD_MAGIC, &c)) return ERROR_INVALID_HANDLE;
    if (!returned) return SCARD_E_INVALID_PARAMETER;
    UINT64 unix_returned = 0;
    /* The control code goes as it is: Windows' CTL_CODE values reach the reader driver unchanged (see issue 21). */
    struct control_params params = { c, code, input, input_length, output, output_capacity, &unix_returned };
    LONG rc = call(call_control, &params);
    *returned = (DWORD)unix_returned;
    return rc;
}

LONG WINAPI SCardGetAttrib(SCARDHANDLE card, DWORD attribute, LPBYTE buffer, LPDWORD length)
{
    UINT64 c;
    if (!get_handle(card, CARD_MAGIC, &c)) return ERROR_INVALID_HANDLE;
    if (!length || *length == SCARD_AUTOALLOCATE) return SCARD_E_INVALID_PARAMETER;
    UINT64 unix_length = *length;
    struct get_attrib_params params = { c, attribute, buffer, &unix_length };
    LONG rc = call(call_get_attrib, &params);
    *length = (DWORD)unix_length;
    return rc;
}

LONG WINAPI SCardFreeMemory(SCARDCONTEXT context, LPCVOID memory)
{
    if (memory) HeapFree(GetProcessHeap(), 0, (void *)memory);
    return SCARD_S_SUCCESS;
}

/* The protocol control blocks winscard.dll exports as data, for programs that pass &g_rgSCardT0Pci. */
const SCARD_IO_REQUEST g_rgSCardT0Pci = { 1, sizeof(SCARD_IO_REQUEST) };
const SCARD_IO_REQUEST g_rgSCardT1Pci = { 2, sizeof(SCARD_IO_REQUEST) };
const SCARD_IO_REQUEST g_rgSCardRawPci = { WINDOWS_PROTOCOL_RAW, sizeof(SCARD_IO_REQUEST) };
