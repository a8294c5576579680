namespace SmartCardPS.Pcsc
{
    /// <summary>PC/SC v2 part 10 (2.2) feature tags, as CM_IOCTL_GET_FEATURE_REQUEST reports them.</summary>
    public enum PcscFeatureTag : byte
    {
        VerifyPinStart = 0x01,
        VerifyPinFinish = 0x02,
        ModifyPinStart = 0x03,
        ModifyPinFinish = 0x04,
        GetKeyPressed = 0x05,
        VerifyPinDirect = 0x06,
        ModifyPinDirect = 0x07,
        MctReaderDirect = 0x08,
        MctUniversal = 0x09,
        IfdPinProperties = 0x0A,
        Abort = 0x0B,
        SetSpeMessage = 0x0C,
        VerifyPinDirectAppId = 0x0D,
        ModifyPinDirectAppId = 0x0E,
        WriteDisplay = 0x0F,
        GetKey = 0x10,
        IfdDisplayProperties = 0x11,
        GetTlvProperties = 0x12,
        CcidEscCommand = 0x13,
        ExecutePace = 0x20,
    }
}
