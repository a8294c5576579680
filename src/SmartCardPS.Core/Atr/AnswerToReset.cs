using System;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// A decoded Answer-To-Reset (ISO/IEC 7816-3 and -4). Built by <see cref="AtrParser"/>; read-only, and made of
    /// simple values so it survives ConvertTo-Json and remoting. PowerShell shows it under the type name SmartCardPS.Atr.
    /// </summary>
    public sealed class AnswerToReset
    {
        private byte[] bytes;

        internal AnswerToReset() { }

        /// <summary>Uppercase hex pairs separated by spaces.</summary>
        public string Atr { get; internal set; }

        public byte[] Bytes
        {
            get => (byte[])bytes.Clone();
            internal set => bytes = value;
        }

        public AtrConvention Convention { get; internal set; }
        /// <summary>The initial character, as hex.</summary>
        public string TS { get; internal set; }

        /// <summary>The format byte, as hex.</summary>
        public string T0 { get; internal set; }

        /// <summary>K, the count T0 announces (the bytes present may be fewer: see Problems).</summary>
        public int HistoricalByteCount { get; internal set; }

        public AtrInterfaceByte[] InterfaceBytes { get; internal set; }

        /// <summary>The protocols the TDi offer, in order of appearance; T=0 alone when there is no TD1. T=15 is not a protocol and is never listed.</summary>
        public int[] Protocols { get; internal set; }

        /// <summary>The protocol of TD1 (T=0 without TD1): the one used without PPS in negotiable mode.</summary>
        public int FirstProtocol { get; internal set; }

        /// <summary>A TDi indicates T=15, so global interface bytes (clock stop, class) may follow.</summary>
        public bool HasT15GlobalBytes { get; internal set; }

        /// <summary>Clock rate conversion integer from TA1 (372 without TA1); null when TA1 codes an RFU value.</summary>
        public int? Fi { get; internal set; }

        /// <summary>Baud rate adjustment integer from TA1 (1 without TA1); null when TA1 codes an RFU value.</summary>
        public int? Di { get; internal set; }

        /// <summary>Maximum clock frequency for Fi, in MHz (5 without TA1).</summary>
        public double? FMaxMHz { get; internal set; }

        /// <summary>Clock cycles per elementary time unit, Fi/Di.</summary>
        public double? CyclesPerEtu { get; internal set; }

        /// <summary>N from TC1 (0 without TC1).</summary>
        public int ExtraGuardTime { get; internal set; }

        public string ExtraGuardTimeMeaning { get; internal set; }

        public AtrMode Mode { get; internal set; }

        /// <summary>The protocol TA2 imposes in specific mode; null in negotiable mode.</summary>
        public int? SpecificModeProtocol { get; internal set; }

        /// <summary>TA2 bit 8 clear: the card can change to negotiable mode after a warm reset. Null in negotiable mode.</summary>
        public bool? CanChangeMode { get; internal set; }

        /// <summary>TA2 bit 5 set: Fi and Di are implicit, not TA1's. Null in negotiable mode.</summary>
        public bool? ImplicitParameters { get; internal set; }

        /// <summary>T=0 work waiting integer WI from TC2 (10 when T=0 is offered without TC2); null when T=0 is not offered.</summary>
        public int? WorkWaitingInteger { get; internal set; }

        /// <summary>Clock stop indicator from the first TAi for T=15; null without it.</summary>
        public AtrClockStop? ClockStop { get; internal set; }

        /// <summary>Operating conditions the card accepts (A = 5 V, B = 3 V, C = 1.8 V) from the first TAi for T=15; null without it.</summary>
        public string[] Classes { get; internal set; }

        /// <summary>T=1 information field size for the card (first TAi for T=1, default 32); null when T=1 is not offered.</summary>
        public int? Ifsc { get; internal set; }

        /// <summary>T=1 block waiting integer (first TBi for T=1, default 4); null when T=1 is not offered.</summary>
        public int? Bwi { get; internal set; }

        /// <summary>T=1 character waiting integer (first TBi for T=1, default 13); null when T=1 is not offered.</summary>
        public int? Cwi { get; internal set; }

        /// <summary>T=1 error detection code (first TCi for T=1, default LRC); null when T=1 is not offered.</summary>
        public AtrErrorDetection? ErrorDetection { get; internal set; }

        /// <summary>The historical bytes present, as hex.</summary>
        public string HistoricalBytes { get; internal set; }

        /// <summary>The category indicator byte (first historical byte) as hex; null without historical bytes.</summary>
        public string CategoryIndicator { get; internal set; }

        public string CategoryMeaning { get; internal set; }

        public AtrHistoricalObject[] HistoricalObjects { get; internal set; }

        /// <summary>Life cycle status from the status indicator, decoded; null when the ATR gives none.</summary>
        public string LifeCycleStatus { get; internal set; }

        /// <summary>SW1 SW2 from the status indicator, as hex; null when the ATR gives none.</summary>
        public string StatusWord { get; internal set; }

        /// <summary>PC/SC Part 3 storage card: the standard byte decoded; null for other cards.</summary>
        public string ContactlessStandard { get; internal set; }

        /// <summary>PC/SC Part 3 storage card: the card name bytes decoded (e.g. MIFARE Classic 1K); null for other cards.</summary>
        public string ContactlessCardName { get; internal set; }

        /// <summary>TCK must be present: a TDi indicates a protocol other than T=0 (T=15 included).</summary>
        public bool CheckByteRequired { get; internal set; }

        /// <summary>TCK as sent, as hex; null when absent.</summary>
        public string CheckByte { get; internal set; }

        /// <summary>The TCK that makes T0 to TCK XOR to zero, as hex; null when TCK is not required.</summary>
        public string ExpectedCheckByte { get; internal set; }

        /// <summary>TCK is present and right when required, absent when not.</summary>
        public bool CheckByteValid { get; internal set; }

        /// <summary>Every smartcard_list.txt entry that matches, in file order: its pattern and its description lines.</summary>
        public AtrIdentification[] Identification { get; internal set; } = Array.Empty<AtrIdentification>();

        /// <summary>The first description line of the first matching entry; null when the database knows no match.</summary>
        public string CardName { get; internal set; }

        /// <summary>What is wrong with an ATR that could still be decoded.</summary>
        public string[] Problems { get; internal set; }

        public override string ToString() => Atr;
    }
}
