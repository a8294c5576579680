using System;
using SmartCardPS.Iso7816;
using SmartCardPS.Text;

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
        public string Atr => atr;

        public byte[] Bytes
        {
            get => (byte[])bytes.Clone();
            internal set => bytes = value;
        }

        public AtrConvention Convention => convention;
        /// <summary>The initial character, as hex.</summary>
        public string TS => ts;

        /// <summary>The format byte, as hex.</summary>
        public string T0 => t0;

        /// <summary>K, the count T0 announces (the bytes present may be fewer: see Problems).</summary>
        public int HistoricalByteCount => historicalByteCount;

        public AtrInterfaceByte[] InterfaceBytes => interfaceBytes;

        /// <summary>The protocols the TDi offer, in order of appearance; T=0 alone when there is no TD1. T=15 is not a protocol and is never listed.</summary>
        public int[] Protocols => protocols;

        /// <summary>The protocol of TD1 (T=0 without TD1): the one used without PPS in negotiable mode.</summary>
        public int FirstProtocol => firstProtocol;

        /// <summary>A TDi indicates T=15, so global interface bytes (clock stop, class) may follow.</summary>
        public bool HasT15GlobalBytes => hasT15GlobalBytes;

        /// <summary>Clock rate conversion integer from TA1 (372 without TA1); null when TA1 codes an RFU value.</summary>
        public int? Fi => fi;

        /// <summary>Baud rate adjustment integer from TA1 (1 without TA1); null when TA1 codes an RFU value.</summary>
        public int? Di => di;

        /// <summary>Maximum clock frequency for Fi, in MHz (5 without TA1).</summary>
        public double? FMaxMHz => fMaxMHz;

        /// <summary>Clock cycles per elementary time unit, Fi/Di.</summary>
        public double? CyclesPerEtu => cyclesPerEtu;

        /// <summary>N from TC1 (0 without TC1).</summary>
        public int ExtraGuardTime => extraGuardTime;

        public string ExtraGuardTimeMeaning => extraGuardTimeMeaning;

        public AtrMode Mode => mode;

        /// <summary>The protocol TA2 imposes in specific mode; null in negotiable mode.</summary>
        public int? SpecificModeProtocol => specificModeProtocol;

        /// <summary>TA2 bit 8 clear: the card can change to negotiable mode after a warm reset. Null in negotiable mode.</summary>
        public bool? CanChangeMode => canChangeMode;

        /// <summary>TA2 bit 5 set: Fi and Di are implicit, not TA1's. Null in negotiable mode.</summary>
        public bool? ImplicitParameters => implicitParameters;

        /// <summary>T=0 work waiting integer WI from TC2 (10 when T=0 is offered without TC2); null when T=0 is not offered.</summary>
        public int? WorkWaitingInteger => workWaitingInteger;

        /// <summary>Clock stop indicator from the first TAi for T=15; null without it.</summary>
        public AtrClockStop? ClockStop => clockStop;

        /// <summary>Operating conditions the card accepts (A = 5 V, B = 3 V, C = 1.8 V) from the first TAi for T=15; null without it.</summary>
        public string[] Classes => classes;

        /// <summary>T=1 information field size for the card (first TAi for T=1, default 32); null when T=1 is not offered.</summary>
        public int? Ifsc => ifsc;

        /// <summary>T=1 block waiting integer (first TBi for T=1, default 4); null when T=1 is not offered.</summary>
        public int? Bwi => bwi;

        /// <summary>T=1 character waiting integer (first TBi for T=1, default 13); null when T=1 is not offered.</summary>
        public int? Cwi => cwi;

        /// <summary>T=1 error detection code (first TCi for T=1, default LRC); null when T=1 is not offered.</summary>
        public AtrErrorDetection? ErrorDetection => errorDetection;

        /// <summary>The historical bytes present, as hex.</summary>
        public string HistoricalBytes => historicalBytes;

        /// <summary>The category indicator byte (first historical byte) as hex; null without historical bytes.</summary>
        public string CategoryIndicator => categoryIndicator;

        public string CategoryMeaning => categoryMeaning;

        public AtrHistoricalObject[] HistoricalObjects => historicalObjects;

        /// <summary>Life cycle status from the status indicator, decoded; null when the ATR gives none.</summary>
        public string LifeCycleStatus => lifeCycleStatus;

        /// <summary>SW1 SW2 from the status indicator, as hex; null when the ATR gives none.</summary>
        public string StatusWord => statusWord;

        /// <summary>The ISO/IEC 7816-4 meaning of <see cref="StatusWord"/>; null when the ATR gives none.</summary>
        public string StatusWordMeaning
        {
            get
            {
                byte[] sw = statusWord == null ? null : Hex.TryParse(statusWord);
                return sw == null || sw.Length != 2 ? null : StatusWords.Describe(sw[0], sw[1]);
            }
        }

        /// <summary>PC/SC Part 3 storage card: the standard byte decoded; null for other cards.</summary>
        public string ContactlessStandard => contactlessStandard;

        /// <summary>PC/SC Part 3 storage card: the card name bytes decoded (e.g. MIFARE Classic 1K); null for other cards.</summary>
        public string ContactlessCardName => contactlessCardName;

        /// <summary>TCK must be present: a TDi indicates a protocol other than T=0 (T=15 included).</summary>
        public bool CheckByteRequired => checkByteRequired;

        /// <summary>TCK as sent, as hex; null when absent.</summary>
        public string CheckByte => checkByte;

        /// <summary>The TCK that makes T0 to TCK XOR to zero, as hex; null when TCK is not required.</summary>
        public string ExpectedCheckByte => expectedCheckByte;

        /// <summary>TCK is present and right when required, absent when not.</summary>
        public bool CheckByteValid => checkByteValid;

        /// <summary>Every smartcard_list.txt entry that matches, in file order: its pattern and its description lines.</summary>
        public AtrIdentification[] Identification => identification;

        /// <summary>The first description line of the first matching entry; null when the database knows no match.</summary>
        public string CardName => cardName;

        /// <summary>What is wrong with an ATR that could still be decoded.</summary>
        public string[] Problems => problems;

        public override string ToString() => Atr;

        // The parser writes these fields directly: a first ConvertFrom-Atr in a session would otherwise compile one
        // setter per property before its first ATR, and run each unoptimised thousands of times.
        internal string atr;
        internal AtrConvention convention;
        internal string ts;
        internal string t0;
        internal int historicalByteCount;
        internal AtrInterfaceByte[] interfaceBytes;
        internal int[] protocols;
        internal int firstProtocol;
        internal bool hasT15GlobalBytes;
        internal int? fi;
        internal int? di;
        internal double? fMaxMHz;
        internal double? cyclesPerEtu;
        internal int extraGuardTime;
        internal string extraGuardTimeMeaning;
        internal AtrMode mode;
        internal int? specificModeProtocol;
        internal bool? canChangeMode;
        internal bool? implicitParameters;
        internal int? workWaitingInteger;
        internal AtrClockStop? clockStop;
        internal string[] classes;
        internal int? ifsc;
        internal int? bwi;
        internal int? cwi;
        internal AtrErrorDetection? errorDetection;
        internal string historicalBytes;
        internal string categoryIndicator;
        internal string categoryMeaning;
        internal AtrHistoricalObject[] historicalObjects;
        internal string lifeCycleStatus;
        internal string statusWord;
        internal string contactlessStandard;
        internal string contactlessCardName;
        internal bool checkByteRequired;
        internal string checkByte;
        internal string expectedCheckByte;
        internal bool checkByteValid;
        internal AtrIdentification[] identification = Array.Empty<AtrIdentification>();
        internal string cardName;
        internal string[] problems;
    }
}
