/* A Windows DLL that exports C_GetFunctionList, built with mingw by tests/wine/WineCommon.ps1: what a PKCS#11
 * library's PE file looks like to the checks that read a library's exports from its file without loading it
 * (Register-NssModule). Nothing loads it; if something did, every call would fail with CKR_FUNCTION_FAILED. */
__declspec(dllexport) unsigned long C_GetFunctionList(void **list)
{
    *list = 0;
    return 6; /* CKR_FUNCTION_FAILED */
}
