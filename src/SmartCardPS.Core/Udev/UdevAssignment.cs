namespace SmartCardPS.Udev
{
    /// <summary>One KEY, operator and quoted value of a rule line, as udev reads it: ATTRS{serial}=="A1B2C3".</summary>
    public struct UdevAssignment
    {
        public UdevAssignment(string key, string op, string value)
        {
            Key = key;
            Operator = op;
            Value = value;
        }

        public string Key { get; }
        public string Operator { get; }
        public string Value { get; }

        public override string ToString() => $"{Key}{Operator}\"{Value}\"";
    }
}
