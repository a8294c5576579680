/* The Unix half of the test winscard.dll: each entry forwards one call to pcsc-lite (libpcsclite.so.1), in the
 * calling Wine process, so it reaches whatever pcscd that process's mount namespace shows (the test fixture's).
 * Wine's loader finds it by name beside the PE half (x86_64-unix/winscard.so) and calls the entries by index. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "unixcalls.h"

typedef int32_t NTSTATUS;

/* pcsc-lite's entry points as Linux x86-64 sees them: LONG, DWORD and SCARDHANDLE are all 64-bit (long), so they
 * are declared here with uint64_t rather than through PCSC/winscard.h, whose DWORD would clash with nothing but
 * would need libpcsclite-dev on the machine. */
long SCardEstablishContext(uint64_t scope, const void *r1, const void *r2, uint64_t *context);
long SCardReleaseContext(uint64_t context);
long SCardIsValidContext(uint64_t context);
long SCardCancel(uint64_t context);
long SCardGetStatusChange(uint64_t context, uint64_t timeout, struct unix_reader_state *states, uint64_t count);
long SCardListReaders(uint64_t context, const char *groups, char *readers, uint64_t *length);
long SCardConnect(uint64_t context, const char *reader, uint64_t share, uint64_t preferred, uint64_t *card, uint64_t *active);
long SCardReconnect(uint64_t card, uint64_t share, uint64_t preferred, uint64_t initialization, uint64_t *active);
long SCardDisconnect(uint64_t card, uint64_t disposition);
long SCardBeginTransaction(uint64_t card);
long SCardEndTransaction(uint64_t card, uint64_t disposition);
long SCardStatus(uint64_t card, char *names, uint64_t *names_length, uint64_t *state, uint64_t *protocol,
                 unsigned char *atr, uint64_t *atr_length);
long SCardTransmit(uint64_t card, const struct unix_io_request *send_pci, const unsigned char *send, uint64_t send_length,
                   struct unix_io_request *receive_pci, unsigned char *receive, uint64_t *receive_length);
long SCardControl(uint64_t card, uint64_t code, const void *input, uint64_t input_length, void *output,
                  uint64_t output_capacity, uint64_t *returned);
long SCardGetAttrib(uint64_t card, uint64_t attribute, unsigned char *buffer, uint64_t *length);

/* pcsc-lite's codes are the same 32-bit values as winscard.dll's (0x801000XX), held in a long. */
static NTSTATUS code(long rc) { return (NTSTATUS)(uint32_t)rc; }

static NTSTATUS establish_context(void *args)
{
    struct establish_params *p = args;
    return code(SCardEstablishContext(p->scope, 0, 0, p->context));
}

static NTSTATUS release_context(void *args) { return code(SCardReleaseContext(((struct handle_params *)args)->handle)); }
static NTSTATUS is_valid_context(void *args) { return code(SCardIsValidContext(((struct handle_params *)args)->handle)); }
static NTSTATUS cancel(void *args) { return code(SCardCancel(((struct handle_params *)args)->handle)); }

/* With SMARTCARDPS_WINSCARD_CALLS naming a file, each SCardGetStatusChange appends a line to it, so a test can tell
 * a watch that waits in the call from one that spins around it (Windows' own winscard.dll waits as pcsc-lite does). */
static void log_call(const char *line)
{
    const char *path = getenv("SMARTCARDPS_WINSCARD_CALLS");
    if (!path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    fprintf(f, "%s\n", line);
    fclose(f);
}

static NTSTATUS get_status_change(void *args)
{
    struct get_status_change_params *p = args;
    char line[64];
    snprintf(line, sizeof line, "SCardGetStatusChange %llu", (unsigned long long)p->timeout);
    log_call(line);
    return code(SCardGetStatusChange(p->context, p->timeout, p->states, p->count));
}

static NTSTATUS list_readers(void *args)
{
    struct list_readers_params *p = args;
    return code(SCardListReaders(p->context, 0, p->readers, p->length));
}

static NTSTATUS connect_card(void *args)
{
    struct connect_params *p = args;
    return code(SCardConnect(p->context, p->reader, p->share, p->preferred, p->card, p->active));
}

static NTSTATUS reconnect(void *args)
{
    struct reconnect_params *p = args;
    return code(SCardReconnect(p->card, p->share, p->preferred, p->initialization, p->active));
}

static NTSTATUS disconnect(void *args)
{
    struct disposition_params *p = args;
    return code(SCardDisconnect(p->handle, p->disposition));
}

static NTSTATUS begin_transaction(void *args) { return code(SCardBeginTransaction(((struct handle_params *)args)->handle)); }

static NTSTATUS end_transaction(void *args)
{
    struct disposition_params *p = args;
    return code(SCardEndTransaction(p->handle, p->disposition));
}

static NTSTATUS status(void *args)
{
    struct status_params *p = args;
    return code(SCardStatus(p->card, p->names, p->names_length, p->state, p->protocol, p->atr, p->atr_length));
}

static NTSTATUS transmit(void *args)
{
    struct transmit_params *p = args;
    return code(SCardTransmit(p->card, p->send_pci, p->send, p->send_length, 0, p->receive, p->receive_length));
}

static NTSTATUS control(void *args)
{
    struct control_params *p = args;
    return code(SCardControl(p->card, p->code, p->input, p->input_length, p->output, p->output_capacity, p->returned));
}

static NTSTATUS get_attrib(void *args)
{
    struct get_attrib_params *p = args;
    return code(SCardGetAttrib(p->card, p->attribute, p->buffer, p->length));
}

/* Wine's loader looks this symbol up by name; the order is enum unix_call's. */
__attribute__((visibility("default")))
NTSTATUS (*const __wine_unix_call_funcs[call_count])(void *) =
{
    establish_context, release_context, is_valid_context, cancel, get_status_change, list_readers, connect_card,
    reconnect, disconnect, begin_transaction, end_transaction, status, transmit, control, get_attrib,
};
