/*
 * A real PKCS#11 module for fault tests: it forwards to another module (TARGET, e.g. SoftHSM) and fails or
 * stalls the way broken and slow modules do. Built by Pkcs11Shim.cs with gcc; no PKCS#11 header is needed,
 * as only the first functions of CK_FUNCTION_LIST are wrapped.
 *   -DTARGET="/path/lib.so"  the module to forward to
 *   -DCONTROL="/dir"         files in it steer the shim while it runs:
 *       block    while it exists, C_GetSlotList waits (it writes "entered" first): a module stuck in a call
 *       block-F  the same for the session call F (e.g. block-FindObjectsInit), which counts as inside the module
 *       log      C_Initialize / C_Finalize / C_Login calls are appended with their return value, one line each,
 *                so a test can count the logins a wrong PIN cost (each one is a try off the card's counter)
 *       token-flags  a number (0x... or decimal) ORed into the flags of every C_GetTokenInfo answer: the PIN states
 *                (final try, to be changed, SO PIN locked) a module behind cannot be brought into on demand
 *       fail-F   for the write calls F (InitToken, InitPIN, SetPIN, CreateObject, DestroyObject, SetAttributeValue):
 *                F answers the number in the file (e.g. 0x54, CKR_FUNCTION_NOT_SUPPORTED) without calling the module
 *       hide-mechanisms  mechanism codes (0x... or decimal), one a line, that C_GetMechanismList leaves out: a
 *                token without EdDSA or RSA-PSS
 *       generate-rv  a CK_RV (0x... or decimal) C_GenerateKeyPair returns without calling the module: a full
 *                token (CKR_DEVICE_MEMORY) that SoftHSM never is
 *       pinpad   a reader's PIN pad: C_Login, C_InitToken, C_InitPIN and C_SetPIN given a NULL PIN of length 0 (the
 *                PKCS#11 way of saying "ask on the pad", CKF_PROTECTED_AUTHENTICATION_PATH) log "pinpad F" and go on with the next line
 *                of this file, taken from it, as the PIN typed on the pad; without the file the NULL goes on as it came
 *       fail-GetAttributeValue  as fail-F, for C_GetAttributeValue: a module that stores an object and then
 *                cannot read it back
 * The write calls are logged too ("C_SetPIN 0"), so a test sees which PIN checks a command made.
 *   -DNOLOCK                 C_Initialize refuses CKF_OS_LOCKING_OK (CKR_CANT_LOCK), as single-threaded modules
 *                            do; calls made at the same time are recorded in CONTROL/overlaps
 * Every call a no-locking build records is also logged by name in CONTROL/calls, so a test can see that it was made.
 * Tokens whose label starts with "Broken" fail C_GetTokenInfo (CKR_DEVICE_ERROR); tokens whose label starts
 * with "NoMech" fail C_GetMechanismList (CKR_FUNCTION_FAILED).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

typedef unsigned long ulong_t;
typedef ulong_t (*fn_t)();
struct function_list { unsigned char version[2]; fn_t f[68]; };
enum { F_INITIALIZE, F_FINALIZE, F_GETINFO, F_GETFUNCTIONLIST, F_GETSLOTLIST, F_GETSLOTINFO, F_GETTOKENINFO,
       F_GETMECHANISMLIST, F_GETMECHANISMINFO, F_INITTOKEN, F_INITPIN, F_SETPIN, F_OPENSESSION = 12, F_CLOSESESSION,
       F_LOGIN = 18, F_LOGOUT, F_CREATEOBJECT, F_DESTROYOBJECT = 22, F_GETATTRIBUTEVALUE = 24, F_SETATTRIBUTEVALUE,
       F_FINDOBJECTSINIT, F_FINDOBJECTS, F_FINDOBJECTSFINAL, F_GENERATEKEYPAIR = 59 };
#define CKR_DEVICE_ERROR 0x30UL
#define CKR_FUNCTION_FAILED 0x06UL
#define CKR_CANT_LOCK 0x0AUL
#define CKF_OS_LOCKING_OK 0x02UL
#define CKR_BUFFER_TOO_SMALL 0x150UL

static void *target;
static struct function_list *real;
static struct function_list ours;
static volatile int inside;

static int exists(const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", CONTROL, name);
    return stat(path, &st) == 0;
}

static void append(const char *name, const char *line)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", CONTROL, name);
    FILE *f = fopen(path, "a");
    if (f) { fputs(line, f); fputc('\n', f); fclose(f); }
}

/* While the flag file exists the call waits, having said so in "entered". */
static void hold(const char *flag, const char *call)
{
    if (!exists(flag)) return;
    append("entered", call);
    while (exists(flag)) usleep(10000);
}

static void enter(const char *call)
{
#ifdef NOLOCK
    append("calls", call);
    if (__sync_add_and_fetch(&inside, 1) > 1) append("overlaps", "overlap");
    usleep(2000);
#endif
}

static void leave(void)
{
#ifdef NOLOCK
    __sync_sub_and_fetch(&inside, 1);
#endif
}

static ulong_t Initialize(void *args)
{
#ifdef NOLOCK
    if (args && (((ulong_t *)args)[4] & CKF_OS_LOCKING_OK)) return CKR_CANT_LOCK;
#endif
    ulong_t rv = real->f[F_INITIALIZE](args);
    char line[64];
    snprintf(line, sizeof line, "C_Initialize %lu", rv);
    append("log", line);
    return rv;
}

static ulong_t Finalize(void *reserved)
{
    ulong_t rv = real->f[F_FINALIZE](reserved);
    char line[64];
    snprintf(line, sizeof line, "C_Finalize %lu", rv);
    append("log", line);
    return rv;
}

static ulong_t GetInfo(void *info)
{
    enter(__func__);
    ulong_t rv = real->f[F_GETINFO](info);
    leave();
    return rv;
}

static ulong_t GetSlotList(unsigned char present, ulong_t *slots, ulong_t *count)
{
    hold("block", "C_GetSlotList");
    enter(__func__);
    ulong_t rv = real->f[F_GETSLOTLIST](present, slots, count);
    leave();
    return rv;
}

static ulong_t GetSlotInfo(ulong_t slot, void *info)
{
    enter(__func__);
    ulong_t rv = real->f[F_GETSLOTINFO](slot, info);
    leave();
    return rv;
}

/* CK_TOKEN_INFO starts with the 32-byte label. */
static int label_starts(ulong_t slot, const char *prefix)
{
    unsigned char info[512];
    if (real->f[F_GETTOKENINFO](slot, info) != 0) return 0;
    return memcmp(info, prefix, strlen(prefix)) == 0;
}

/* The flags of the token-flags control file, or 0; read on every call so a test can change them between calls. */
static ulong_t extra_flags(void)
{
    char path[4096], text[64] = "";
    snprintf(path, sizeof path, "%s/token-flags", CONTROL);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    if (!fgets(text, sizeof text, f)) text[0] = 0;
    fclose(f);
    return strtoul(text, NULL, 0);
}

/* CK_TOKEN_INFO: label[32], manufacturerID[32], model[16], serialNumber[16], then CK_FLAGS flags. */
#define TOKEN_INFO_FLAGS 96

static ulong_t GetTokenInfo(ulong_t slot, void *info)
{
    enter(__func__);
    ulong_t rv = real->f[F_GETTOKENINFO](slot, info);
    leave();
    if (rv == 0 && memcmp(info, "Broken", 6) == 0) return CKR_DEVICE_ERROR;
    if (rv == 0) *(ulong_t *)((unsigned char *)info + TOKEN_INFO_FLAGS) |= extra_flags();
    return rv;
}

/* Whether the hide-mechanisms control file lists this mechanism code. */
static int hidden(ulong_t type)
{
    char path[4096], line[64];
    snprintf(path, sizeof path, "%s/hide-mechanisms", CONTROL);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) found = line[0] != '\n' && line[0] != 0 && strtoul(line, NULL, 0) == type;
    fclose(f);
    return found;
}

/* The first number in a control file, or `otherwise` when it does not exist. */
static ulong_t control_number(const char *name, ulong_t otherwise)
{
    char path[4096], text[64] = "";
    snprintf(path, sizeof path, "%s/%s", CONTROL, name);
    FILE *f = fopen(path, "r");
    if (!f) return otherwise;
    if (!fgets(text, sizeof text, f)) text[0] = 0;
    fclose(f);
    return strtoul(text, NULL, 0);
}

static ulong_t GetMechanismList(ulong_t slot, ulong_t *list, ulong_t *count)
{
    if (label_starts(slot, "NoMech")) return CKR_FUNCTION_FAILED;
    enter(__func__);
    ulong_t n = 0, rv = real->f[F_GETMECHANISMLIST](slot, NULL, &n);
    ulong_t *all = rv == 0 ? calloc(n + 1, sizeof *all) : NULL;
    if (rv == 0) rv = real->f[F_GETMECHANISMLIST](slot, all, &n);
    leave();
    if (rv != 0) { free(all); return rv; }
    ulong_t kept = 0;
    for (ulong_t i = 0; i < n; i++) if (!hidden(all[i])) all[kept++] = all[i];
    if (list && *count < kept) rv = CKR_BUFFER_TOO_SMALL;
    else if (list) memcpy(list, all, kept * sizeof *all);
    *count = kept;
    free(all);
    return rv;
}

static ulong_t GenerateKeyPair(ulong_t session, void *mechanism, void *pub, ulong_t pubCount, void *priv, ulong_t privCount,
                               ulong_t *pubKey, ulong_t *privKey)
{
    ulong_t forced = control_number("generate-rv", 0);
    if (forced) return forced;
    enter(__func__);
    ulong_t rv = real->f[F_GENERATEKEYPAIR](session, mechanism, pub, pubCount, priv, privCount, pubKey, privKey);
    leave();
    return rv;
}

static ulong_t GetMechanismInfo(ulong_t slot, ulong_t type, void *info)
{
    enter(__func__);
    ulong_t rv = real->f[F_GETMECHANISMINFO](slot, type, info);
    leave();
    return rv;
}

/* The session calls only count, detect overlaps and stall on demand; the module behind does the work. */
#define SESSION_CALL(name, index, params, args) \
    static ulong_t name params { enter(#name); hold("block-" #name, #name); ulong_t rv = real->f[index] args; leave(); return rv; }
SESSION_CALL(OpenSession, F_OPENSESSION, (ulong_t slot, ulong_t flags, void *app, void *notify, ulong_t *session),
             (slot, flags, app, notify, session))
SESSION_CALL(CloseSession, F_CLOSESESSION, (ulong_t session), (session))

/*
 * A NULL PIN of length 0 is one to be typed on the PIN pad: logged as "pinpad CALL", and replaced by the first line of
 * CONTROL/pinpad (which is removed from the file, so the next PIN asked for is the next line) when the file exists.
 */
static void pad(const char *call, void **pin, ulong_t *length, char *typed, size_t size)
{
    if (*pin || *length) return;
    char line[64], path[4096], text[1024] = "";
    snprintf(line, sizeof line, "pinpad %s", call);
    append("log", line);
    snprintf(path, sizeof path, "%s/pinpad", CONTROL);
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t read = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[read] = 0;
    char *rest = strchr(text, '\n');
    if (rest) *rest++ = 0; else rest = text + read;
    snprintf(typed, size, "%s", text);
    f = fopen(path, "w");
    if (f) { fputs(rest, f); fclose(f); }
    *pin = typed;
    *length = strlen(typed);
}

static ulong_t Login(ulong_t session, ulong_t user, void *pin, ulong_t length)
{
    char typed[256];
    pad("Login", &pin, &length, typed, sizeof typed);
    enter(__func__);
    hold("block-Login", "Login");
    ulong_t rv = real->f[F_LOGIN](session, user, pin, length);
    leave();
    char line[64];
    snprintf(line, sizeof line, "C_Login %lu", rv);
    append("log", line);
    return rv;
}
SESSION_CALL(Logout, F_LOGOUT, (ulong_t session), (session))
SESSION_CALL(FindObjectsInit, F_FINDOBJECTSINIT, (ulong_t session, void *attributes, ulong_t count), (session, attributes, count))
SESSION_CALL(FindObjects, F_FINDOBJECTS, (ulong_t session, ulong_t *objects, ulong_t max, ulong_t *count),
             (session, objects, max, count))
SESSION_CALL(FindObjectsFinal, F_FINDOBJECTSFINAL, (ulong_t session), (session))

/* The number in CONTROL/fail-F, and 1 when the file exists; 0 when it does not. */
static int forced(const char *call, ulong_t *rv)
{
    char path[4096], text[64] = "";
    snprintf(path, sizeof path, "%s/fail-%s", CONTROL, call);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    if (!fgets(text, sizeof text, f)) text[0] = 0;
    fclose(f);
    *rv = strtoul(text, NULL, 0);
    return 1;
}

/* Write calls: forced to fail by fail-F, else forwarded; logged with their return value either way. */
#define WRITE_CALL_AS(fn, call, index, params, args) \
    static ulong_t fn params \
    { \
        ulong_t rv; \
        enter(call); \
        if (!forced(call, &rv)) rv = real->f[index] args; \
        leave(); \
        char line[64]; \
        snprintf(line, sizeof line, "C_" call " %lu", rv); \
        append("log", line); \
        return rv; \
    }
#define WRITE_CALL(name, index, params, args) WRITE_CALL_AS(name, #name, index, params, args)
WRITE_CALL_AS(PaddedInitToken, "InitToken", F_INITTOKEN, (ulong_t slot, void *pin, ulong_t length, void *label), (slot, pin, length, label))
WRITE_CALL_AS(PaddedInitPIN, "InitPIN", F_INITPIN, (ulong_t session, void *pin, ulong_t length), (session, pin, length))
WRITE_CALL_AS(PaddedSetPIN, "SetPIN", F_SETPIN, (ulong_t session, void *old, ulong_t oldLength, void *pin, ulong_t length), (session, old, oldLength, pin, length))

/* C_InitToken, C_InitPIN and C_SetPIN take their PINs from the pad when given none, then fail or go on as every write
 * call. */
static ulong_t InitToken(ulong_t slot, void *pin, ulong_t length, void *label)
{
    char typed[256];
    pad("InitToken", &pin, &length, typed, sizeof typed);
    return PaddedInitToken(slot, pin, length, label);
}

static ulong_t InitPIN(ulong_t session, void *pin, ulong_t length)
{
    char typed[256];
    pad("InitPIN", &pin, &length, typed, sizeof typed);
    return PaddedInitPIN(session, pin, length);
}

static ulong_t SetPIN(ulong_t session, void *old, ulong_t oldLength, void *pin, ulong_t length)
{
    char typedOld[256], typedNew[256];
    pad("SetPIN", &old, &oldLength, typedOld, sizeof typedOld);
    pad("SetPIN", &pin, &length, typedNew, sizeof typedNew);
    return PaddedSetPIN(session, old, oldLength, pin, length);
}

/* Not a write call, but forced to fail the same way (fail-GetAttributeValue); not logged, as it is made often. */
static ulong_t GetAttributeValue(ulong_t session, ulong_t object, void *attributes, ulong_t count)
{
    ulong_t rv;
    enter(__func__);
    hold("block-GetAttributeValue", "GetAttributeValue");
    if (!forced("GetAttributeValue", &rv)) rv = real->f[F_GETATTRIBUTEVALUE](session, object, attributes, count);
    leave();
    return rv;
}

WRITE_CALL(CreateObject, F_CREATEOBJECT, (ulong_t session, void *attributes, ulong_t count, ulong_t *object), (session, attributes, count, object))
WRITE_CALL(DestroyObject, F_DESTROYOBJECT, (ulong_t session, ulong_t object), (session, object))
WRITE_CALL(SetAttributeValue, F_SETATTRIBUTEVALUE, (ulong_t session, ulong_t object, void *attributes, ulong_t count), (session, object, attributes, count))

ulong_t C_GetFunctionList(struct function_list **list)
{
    if (!real)
    {
        target = dlopen(TARGET, RTLD_NOW | RTLD_LOCAL);
        if (!target) return CKR_FUNCTION_FAILED;
        ulong_t (*get)(struct function_list **) = (ulong_t (*)(struct function_list **))dlsym(target, "C_GetFunctionList");
        if (!get || get(&real) != 0) return CKR_FUNCTION_FAILED;
        ours = *real;
        ours.f[F_INITIALIZE] = (fn_t)Initialize;
        ours.f[F_FINALIZE] = (fn_t)Finalize;
        ours.f[F_GETINFO] = (fn_t)GetInfo;
        ours.f[F_GETFUNCTIONLIST] = (fn_t)C_GetFunctionList;
        ours.f[F_GETSLOTLIST] = (fn_t)GetSlotList;
        ours.f[F_GETSLOTINFO] = (fn_t)GetSlotInfo;
        ours.f[F_GETTOKENINFO] = (fn_t)GetTokenInfo;
        ours.f[F_GETMECHANISMLIST] = (fn_t)GetMechanismList;
        ours.f[F_GETMECHANISMINFO] = (fn_t)GetMechanismInfo;
        ours.f[F_OPENSESSION] = (fn_t)OpenSession;
        ours.f[F_CLOSESESSION] = (fn_t)CloseSession;
        ours.f[F_LOGIN] = (fn_t)Login;
        ours.f[F_LOGOUT] = (fn_t)Logout;
        ours.f[F_GETATTRIBUTEVALUE] = (fn_t)GetAttributeValue;
        ours.f[F_FINDOBJECTSINIT] = (fn_t)FindObjectsInit;
        ours.f[F_FINDOBJECTS] = (fn_t)FindObjects;
        ours.f[F_FINDOBJECTSFINAL] = (fn_t)FindObjectsFinal;
        ours.f[F_INITTOKEN] = (fn_t)InitToken;
        ours.f[F_INITPIN] = (fn_t)InitPIN;
        ours.f[F_SETPIN] = (fn_t)SetPIN;
        ours.f[F_CREATEOBJECT] = (fn_t)CreateObject;
        ours.f[F_DESTROYOBJECT] = (fn_t)DestroyObject;
        ours.f[F_SETATTRIBUTEVALUE] = (fn_t)SetAttributeValue;
        ours.f[F_GENERATEKEYPAIR] = (fn_t)GenerateKeyPair;
    }
    *list = &ours;
    return 0;
}

/* Unloading the shim unloads the module behind it, as unloading that module directly would. */
__attribute__((destructor)) static void unload(void)
{
    if (target) dlclose(target);
}
