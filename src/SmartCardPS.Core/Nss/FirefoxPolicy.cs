using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// Edits Firefox's enterprise policies.json: only policies.SecurityDevices changes (its Add/Delete form;
    /// the older flat name → path form is moved into Add), every other policy and member stays as it was.
    /// </summary>
    public static class FirefoxPolicy
    {
        /// <summary>Where this platform's Firefox reads policies.json; Debian's firefox-esr reads /etc/firefox/policies, not /etc/firefox-esr.</summary>
        public static string DefaultPath()
        {
            if (RunningOs.IsWindows)
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "Mozilla Firefox", "distribution", "policies.json");
            if (RunningOs.IsMacOS)
                return "/Applications/Firefox.app/Contents/Resources/distribution/policies.json";
            return "/etc/firefox/policies/policies.json";
        }

        /// <summary>
        /// Adds (or, with a null library, deletes) a security device in the file, atomically and under the file's
        /// lock, so a change another writer made meanwhile is kept; returns the resulting policy.
        /// <paramref name="force"/> is the cmdlet's -Force (see <see cref="NewFile.Force"/>).
        /// </summary>
        public static FirefoxSecurityDevicePolicy Set(string path, string name, string library, bool force = false)
        {
            // 0644 in 0755 directories: Firefox runs as every user.
            var newFile = new NewFile { Mode = AtomicFile.DefaultMode, CreateDirectories = true, OwnerFromDirectory = true, Force = force };
            AtomicFile.Update(path, newFile, old =>
            {
                string text = PolicyJson.Write(Edit(Parse(path, old == null ? null : SafeFile.Text(old)), name, library));
                // Belt and braces: the new file must read back with exactly this change.
                var devices = Devices(Parse(path, text));
                bool added = (devices.Get("Add") as PolicyJson.Obj)?.Get(name) as string == library;
                bool deleted = (devices.Get("Delete") as List<object>)?.Contains(name) == true;
                if (library != null ? !added || deleted : !deleted)
                    throw new InvalidDataException($"The policy for {UntrustedText.Quote(name)} would not read back from {UntrustedText.Escape(path)} as written; it was left alone.");
                return Encoding.UTF8.GetBytes(text);
            });
            return Get(path);
        }

        private static PolicyJson.Obj Edit(PolicyJson.Obj root, string name, string library)
        {
            var devices = Devices(root);
            var add = devices.Get("Add") as PolicyJson.Obj ?? new PolicyJson.Obj();
            var delete = devices.Get("Delete") as List<object> ?? new List<object>();
            if (library != null)
            {
                add.Set(name, library);
                delete.RemoveAll(d => d as string == name);
            }
            else
            {
                add.Remove(name);
                if (!delete.Any(d => d as string == name)) delete.Add(name);
            }
            devices.Set("Add", add);
            devices.Set("Delete", delete);
            if (add.Count == 0) devices.Remove("Add");
            if (delete.Count == 0) devices.Remove("Delete");
            return root;
        }

        /// <summary>The SecurityDevices policy in the file (empty when the file or the policy is missing).</summary>
        public static FirefoxSecurityDevicePolicy Get(string path)
        {
            var devices = Devices(Read(path));
            var add = devices.Get("Add") as PolicyJson.Obj ?? new PolicyJson.Obj();
            var delete = devices.Get("Delete") as List<object> ?? new List<object>();
            return new FirefoxSecurityDevicePolicy
            {
                PolicyPath = Path.GetFullPath(path),
                Add = add.Where(m => m.Value is string).ToDictionary(m => m.Key, m => (string)m.Value),
                Delete = delete.OfType<string>().ToArray(),
            };
        }

        private static PolicyJson.Obj Read(string path) => Parse(path, SafeFile.ReadText(path));

        /// <summary>policies.json's text as a JSON object; null text is a missing file.</summary>
        private static PolicyJson.Obj Parse(string path, string text)
        {
            if (text == null) return new PolicyJson.Obj { new KeyValuePair<string, object>("policies", new PolicyJson.Obj()) };
            object parsed;
            try
            {
                parsed = PolicyJson.Parse(text);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"{UntrustedText.Escape(path)} is {ex.Message}; it was left alone.", ex);
            }
            if (!(parsed is PolicyJson.Obj root)) throw new InvalidDataException($"{UntrustedText.Escape(path)} is not a JSON object; it was left alone.");
            if (root.Get("policies") == null) root.Set("policies", new PolicyJson.Obj());
            if (!(root.Get("policies") is PolicyJson.Obj)) throw new InvalidDataException($"{UntrustedText.Escape(path)}: \"policies\" is not an object; it was left alone.");
            return root;
        }

        /// <summary>policies.SecurityDevices, created when missing, with the flat name → path form moved into Add.</summary>
        private static PolicyJson.Obj Devices(PolicyJson.Obj root)
        {
            var policies = (PolicyJson.Obj)root.Get("policies");
            if (!(policies.Get("SecurityDevices") is PolicyJson.Obj devices))
            {
                if (policies.Get("SecurityDevices") != null) throw new InvalidDataException("\"SecurityDevices\" is not an object; it was left alone.");
                devices = new PolicyJson.Obj();
                policies.Set("SecurityDevices", devices);
            }
            var flat = devices.Where(m => m.Key != "Add" && m.Key != "Delete" && m.Value is string).ToList();
            if (flat.Count > 0)
            {
                var add = devices.Get("Add") as PolicyJson.Obj ?? new PolicyJson.Obj();
                foreach (var m in flat)
                {
                    if (add.Get(m.Key) == null) add.Set(m.Key, m.Value);
                    devices.Remove(m.Key);
                }
                devices.Set("Add", add);
            }
            return devices;
        }
    }
}
