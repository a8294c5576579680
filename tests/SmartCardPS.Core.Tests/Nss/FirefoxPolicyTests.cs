using System.IO;
using System;
using SmartCardPS.Nss;
using Xunit;

namespace SmartCardPS.Tests.Nss
{
    public class FirefoxPolicyTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "smartcardps-pol-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        private string File_ => Path.Combine(dir, "policies", "policies.json");

        public void Dispose()
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }

        [Fact]
        public void AddingKeepsEveryOtherPolicyAndMovesTheFlatForm()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File_));
            File.WriteAllText(File_, "{ \"policies\": { \"DisableAppUpdate\": true, \"Proxy\": {\"Mode\": \"system\", \"Port\": 3128, \"Ratio\": 1.50e1, \"List\": [\"a\\u00e9\", null, false]},\n \"SecurityDevices\": { \"Old Module\": \"/old.so\", \"Delete\": [\"CAC Module\"] } }, \"other\": {} }");
            var policy = FirefoxPolicy.Set(File_, "CAC Module", "/usr/lib/opensc-pkcs11.so");
            Assert.Equal("/usr/lib/opensc-pkcs11.so", policy.Add["CAC Module"]);
            Assert.Equal("/old.so", policy.Add["Old Module"]);
            Assert.Empty(policy.Delete);
            Assert.Equal(
                "{\n  \"policies\": {\n    \"DisableAppUpdate\": true,\n    \"Proxy\": {\n      \"Mode\": \"system\",\n      \"Port\": 3128,\n      \"Ratio\": 1.50e1,\n      \"List\": [\n        \"a\u00e9\",\n        null,\n        false\n      ]\n    },\n" +
                "    \"SecurityDevices\": {\n      \"Add\": {\n        \"Old Module\": \"/old.so\",\n        \"CAC Module\": \"/usr/lib/opensc-pkcs11.so\"\n      }\n    }\n  },\n  \"other\": {}\n}\n",
                File.ReadAllText(File_));
        }

        [Fact]
        public void RemovingDeletesFromAddAndListsInDelete()
        {
            FirefoxPolicy.Set(File_, "CAC Module", "/x.so");
            var policy = FirefoxPolicy.Set(File_, "CAC Module", null);
            Assert.Empty(policy.Add);
            Assert.Equal(new[] { "CAC Module" }, policy.Delete);
            FirefoxPolicy.Set(File_, "CAC Module", null);
            Assert.Equal("{\n  \"policies\": {\n    \"SecurityDevices\": {\n      \"Delete\": [\n        \"CAC Module\"\n      ]\n    }\n  }\n}\n", File.ReadAllText(File_));
        }

        [Theory]
        [InlineData("{ \"policies\": { ")]
        [InlineData("[1, 2]")]
        [InlineData("{ \"policies\": [] }")]
        [InlineData("{ \"policies\": { \"SecurityDevices\": \"x\" } }")]
        [InlineData("{ \"a\": 1 } trailing")]
        public void AFileThatIsNotAPolicyObjectIsLeftAlone(string content)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File_));
            File.WriteAllText(File_, content);
            var ex = Assert.Throws<InvalidDataException>(() => FirefoxPolicy.Set(File_, "CAC Module", "/x.so"));
            Assert.Contains("left alone", ex.Message);
            Assert.Equal(content, File.ReadAllText(File_));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(File_)));
        }
    }
}
