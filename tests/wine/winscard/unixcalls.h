/* The calls the PE half (winscard.c) makes into the Unix half (unixlib.c) through __wine_unix_call.
 * Both halves are 64-bit, so pointers pass as they are; every pcsc-lite DWORD and handle is a 64-bit
 * unsigned long on Linux x86-64, hence UINT64 here, while winscard.dll's callers use 32-bit DWORDs. */
#ifndef SMARTCARDPS_WINE_UNIXCALLS_H
#define SMARTCARDPS_WINE_UNIXCALLS_H

#include <stdint.h>

/* pcsc-lite's SCARD_READERSTATE on Linux x86-64 (pcsclite.h): DWORDs are unsigned long, rgbAtr has 33 bytes. */
struct unix_reader_state
{
    const char *reader;
    void *user_data;
    uint64_t current_state;
    uint64_t event_state;
    uint64_t atr_length;
    unsigned char atr[33];
};

/* pcsc-lite's SCARD_IO_REQUEST. */
struct unix_io_request
{
    uint64_t protocol;
    uint64_t pci_length;
};

struct establish_params { uint64_t scope; uint64_t *context; };
struct handle_params { uint64_t handle; };
struct get_status_change_params { uint64_t context; uint64_t timeout; struct unix_reader_state *states; uint64_t count; };
struct list_readers_params { uint64_t context; char *readers; uint64_t *length; };
struct connect_params { uint64_t context; const char *reader; uint64_t share; uint64_t preferred; uint64_t *card; uint64_t *active; };
struct reconnect_params { uint64_t card; uint64_t share; uint64_t preferred; uint64_t initialization; uint64_t *active; };
struct disposition_params { uint64_t handle; uint64_t disposition; };
struct status_params { uint64_t card; char *names; uint64_t *names_length; uint64_t *state; uint64_t *protocol; unsigned char *atr; uint64_t *atr_length; };
struct transmit_params
{
    uint64_t card; const struct unix_io_request *send_pci; const unsigned char *send; uint64_t send_length;
    unsigned char *receive; uint64_t *receive_length;
};
struct control_params
{
    uint64_t card; uint64_t code; const void *input; uint64_t input_length; void *output; uint64_t output_capacity;
    uint64_t *returned;
};
struct get_attrib_params { uint64_t card; uint64_t attribute; unsigned char *buffer; uint64_t *length; };

/* The order of __wine_unix_call_funcs in unixlib.c. */
enum unix_call
{
    call_establish_context,
    call_release_context,
    call_is_valid_context,
    call_cancel,
    call_get_status_change,
    call_list_readers,
    call_connect,
    call_reconnect,
    call_disconnect,
    call_begin_transaction,
    call_end_transaction,
    call_status,
    call_transmit,
    call_control,
    call_get_attrib,
    call_count
};

#endif
