using System.Collections.Generic;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Nss;
using SmartCardPS.Os;

namespace SmartCardPS.Parameters
{
    /// <summary>Lets -Profile take profile names (as Get-FirefoxProfile lists them) or profile directories as well as
    /// profile objects.</summary>
    internal sealed class FirefoxProfileTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var result = new List<object>();
            IEnumerable items = inputData is IEnumerable e && !(inputData is string) ? e : new[] { inputData };
            foreach (object raw in items)
            {
                object item = raw is PSObject pso ? pso.BaseObject : raw;
                if (!(item is string text))
                {
                    result.Add(item);
                    continue;
                }
                List<FirefoxProfile> byName = FirefoxProfiles.FindAll().Where(p => p.Name == text).ToList();
                if (byName.Count > 0)
                {
                    result.AddRange(byName);
                    continue;
                }
                string dir = engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(text);
                if (!Directory.Exists(dir))
                {
                    throw new ArgumentTransformationMetadataException($"No Firefox profile is named {NssCmdlet.Quote(text)} and no such directory exists. Run Get-FirefoxProfile to list the profiles.");
                }
                FirefoxProfile known = FirefoxProfiles.FindAll().FirstOrDefault(p => PathComparison.Same(p.Path, dir));
                result.Add(known ?? new FirefoxProfile { Name = Path.GetFileName(dir.TrimEnd('/', '\\')), Path = dir, IsRunning = ProfileLock.Holder(dir) >= 0, Root = Path.GetDirectoryName(dir) });
            }
            return result.ToArray();
        }
    }
}
