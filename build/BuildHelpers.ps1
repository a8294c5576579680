# Helpers for build.ps1: native calls that fail loudly, the test prerequisites, and result counting.

# The Debian packages the tests and the demo run against: a real PC/SC stack with virtual readers,
# the peer tools they are cross-checked with, the PKCS#11 modules, gcc for the fault-injecting shim module, and
# python3-junitparser to read Test-SmartCardSetup's JUnit report as CI tools read it.
$script:TestPackages = @(
    'pcscd', 'vsmartcard-vpcd', 'pcsc-tools', 'opensc', 'opensc-pkcs11', 'softhsm2', 'p11-kit',
    'gnutls-bin', 'python3-pyscard', 'python3-junitparser', 'pkg-config', 'util-linux', 'zlib1g',
    'libccid', 'umockdev', 'openssh-server', 'udev', 'ykcs11', 'gcc', 'libc6-dev',
    'libnss3-tools', 'firefox-esr', 'attr', 'acl', 'strace',
    # The Windows code path under Wine (issue 21): Wine, and mingw to build the test winscard.dll (tests/wine).
    'wine64', 'libwine', 'wine64-tools', 'gcc-mingw-w64-x86-64-posix', 'mingw-w64-x86-64-dev', 'libpcsclite1'
)

function Write-Step([string] $Text) {
    Write-Host "==> $Text" -ForegroundColor Cyan
}

# Plain $args (no param block), so native flags such as -c or -o are never taken for PowerShell parameters.
function Invoke-Native {
    $filePath, $arguments = $args
    & $filePath @arguments
    if ($LASTEXITCODE) { throw "'$filePath $($arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# Notes Ctrl+C (SIGINT) in [SmartCardPSBuild.Interrupt]::Pressed. PowerShell still stops the script at its next
# statement, and pwsh -File then exits 0, as after a success: a task that may be interrupted asks Pressed and exits 130.
function Register-BuildInterrupt {
    if (-not ('SmartCardPSBuild.Interrupt' -as [type])) {
        Add-Type -TypeDefinition @'
namespace SmartCardPSBuild {
    public static class Interrupt {
        private static System.Runtime.InteropServices.PosixSignalRegistration registration;
        public static volatile bool Pressed;
        public static void Catch() {
            registration = registration ?? System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; Pressed = true; });
        }
    }
}
'@
    }
    [SmartCardPSBuild.Interrupt]::Catch()
}

# Starts a native command; its callers wait with a .NET wait, which PowerShell's own Ctrl+C handling cannot cut short,
# so a command that tears itself down on Ctrl+C (it gets the SIGINT itself: same process group) has done so.
function Start-NativeProcess([string[]] $Command) {
    $info = [Diagnostics.ProcessStartInfo]::new($Command[0])
    foreach ($a in @($Command | Select-Object -Skip 1)) { $info.ArgumentList.Add([string]$a) }
    [Diagnostics.Process]::Start($info)
}

# .NET runs the SIGINT handler on a thread of its own, which on a loaded machine can come after the command has
# already torn down and exited: its exit code 130 (SIGINT) says the same.
function Test-BuildInterrupted([int] $ExitCode) { [SmartCardPSBuild.Interrupt]::Pressed -or $ExitCode -eq 130 }

# Runs a command that tears itself down on Ctrl+C and returns its exit code, or exits 130 once it has torn down when
# Ctrl+C was pressed. Plain $args (no param block), as for Invoke-Native.
function Invoke-UntilTornDown {
    Register-BuildInterrupt
    $process = Start-NativeProcess $args
    try { $process.WaitForExit() }
    finally {
        # PowerShell stops this script at its next statement after Ctrl+C, and writing to the host throws then: so
        # only the console and Environment.Exit here.
        $process.WaitForExit()
        if (Test-BuildInterrupted $process.ExitCode) {
            [Console]::Out.WriteLine("Interrupted: torn down (exit code $($process.ExitCode)).")
            [Environment]::Exit(130)
        }
    }
    $process.ExitCode
}

# Runs a native command to its end, its output appended to $Log (the first argument), and returns its exit code; after
# Ctrl+C it throws OperationCanceledException instead, so that no result of a torn-down command counts. Plain $args.
function Invoke-NativeToEnd {
    $log, $command = $args
    $process = Start-NativeProcess (@('/bin/sh', '-c', 'log=$1; shift; exec "$@" >> "$log" 2>&1', 'sh', $log) + @($command))
    try { $process.WaitForExit() } finally { $process.WaitForExit() }
    if (Test-BuildInterrupted $process.ExitCode) { throw [OperationCanceledException]::new("Interrupted: '$($command -join ' ')' ended on Ctrl+C.") }
    $process.ExitCode
}

# The module ships its views as one format file: at Import-Module PowerShell resolves, reads and parses each file in
# FormatsToProcess, and one merged file costs about half what seven do. The sources stay one small file per domain.
# Only list sections merge (views, selection sets, controls); anything else would need a choice, so it stops the build.
function Join-FormatFile([string[]] $Path, [string] $Destination) {
    $joined = [xml]'<Configuration />'
    foreach ($file in $Path) {
        $source = [xml](Get-Content $file -Raw)
        foreach ($section in $source.DocumentElement.ChildNodes) {
            if ($section -isnot [Xml.XmlElement]) { continue }
            if ($section.Name -notin 'SelectionSets', 'Controls', 'ViewDefinitions') { throw "${file}: cannot merge <$($section.Name)> into one format file." }
            $into = $joined.DocumentElement[$section.Name]
            if (-not $into) { $into = $joined.DocumentElement.AppendChild($joined.CreateElement($section.Name)) }
            foreach ($node in @($section.ChildNodes | Where-Object { $_ -is [Xml.XmlElement] })) { $null = $into.AppendChild($joined.ImportNode($node, $true)) }
        }
    }
    # PowerShell reads the sections in this order.
    foreach ($name in 'SelectionSets', 'Controls', 'ViewDefinitions') {
        $section = $joined.DocumentElement[$name]
        if ($section) { $null = $joined.DocumentElement.AppendChild($section) }
    }
    $settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
    $writer = [Xml.XmlWriter]::Create($Destination, $settings)
    try { $joined.Save($writer) } finally { $writer.Dispose() }
}

function Get-ModuleVersion([string] $PropsPath) {
    $version = ([xml](Get-Content $PropsPath -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) { throw "No <Version> in $PropsPath." }
    return $version
}

function Install-TestPrerequisites {
    $isDebian = $IsLinux -and (Test-Path /usr/bin/dpkg-query) -and (Test-Path /usr/bin/apt-get)
    if (-not $isDebian) {
        throw "The tests and the demo run a private pcscd with virtual readers and need Linux (Debian/Ubuntu) with these packages: $($script:TestPackages -join ' '). Install them with your package manager, or run on Debian/Ubuntu."
    }
    $missing = @($script:TestPackages | Where-Object {
            $status = & dpkg-query -W -f '${Status}' $_ 2>$null
            $LASTEXITCODE -ne 0 -or $status -notmatch 'install ok installed'
        })
    if ($missing.Count -eq 0) { return }
    if ((& id -u) -ne '0') {
        throw "Missing packages: $($missing -join ' '). Install them with: sudo apt-get install -y $($missing -join ' ')"
    }
    Write-Step "Installing $($missing -join ' ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get update -q
    Invoke-Native apt-get install -y -q --no-install-recommends @missing
}

# CI is on for any truthy value (true, 1, yes, on; any case): there no test may skip for a missing dependency.
function Test-CiRun([string] $Value = $env:CI) {
    $Value -and $Value.Trim() -match '^(?i:true|1|yes|on|y)$'
}

# The tests `dotnet test --list-tests` discovered, one display name each.
function Read-XunitTestList([string[]] $Lines) {
    $listing = $false
    foreach ($line in $Lines) {
        if ($listing) { if ($line -match '^\s{4}(\S.*?)\s*$') { $Matches[1] } }
        elseif ($line -match 'The following Tests are available:') { $listing = $true }
    }
}

# Every result in a .trx: Name, Outcome (Passed, Failed, NotExecuted, …) and Message (the skip reason or failure).
function Read-TrxResult([string] $Path) {
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    foreach ($node in (Select-Xml -Path $Path -XPath '//t:UnitTestResult' -Namespace $ns | ForEach-Object Node)) {
        $message = Select-Xml -Xml $node -XPath './t:Output/t:ErrorInfo/t:Message' -Namespace $ns | Select-Object -First 1
        [pscustomobject]@{
            Name = $node.testName; Outcome = $node.outcome; Message = if ($message) { $message.Node.InnerText.Trim() } else { '' }
            Seconds = if ($node.duration) { [math]::Round([timespan]::Parse($node.duration, [cultureinfo]::InvariantCulture).TotalSeconds, 1) } else { 0 }
        }
    }
}

# What an xunit run proves: counts from the .trx, and every reason not to trust them (a non-zero exit, an aborted run
# or crashed test host in the console log, discovered tests that never ran). The Problems fail the suite.
function Get-XunitRun([string] $TrxPath, [string[]] $ConsoleLog, [int] $ExitCode, [string[]] $Discovered) {
    $problems = [Collections.Generic.List[string]]::new()
    $results = @(if (Test-Path $TrxPath) { Read-TrxResult $TrxPath } else { $problems.Add("xunit wrote no results to $TrxPath") })
    if ($ExitCode -ne 0) { $problems.Add("dotnet test exited with code $ExitCode") }
    $crash = @($ConsoleLog | Where-Object { $_ -match 'Test Run Aborted|Test host process crashed|The active test run was aborted' })
    if ($crash) { $problems.Add("the xunit run was aborted: $(($crash | Select-Object -First 2 | ForEach-Object Trim) -join ' / ')") }
    if (-not $Discovered) { $problems.Add('dotnet test --list-tests discovered no tests') }
    $ran = [Collections.Generic.HashSet[string]]::new([string[]]@($results.Name))
    # A theory whose data is not serialisable is listed once and reported once per row, as Name(args).
    $notRun = @($Discovered | Where-Object { -not $ran.Contains($_) -and -not ($results.Name -like "$([WildcardPattern]::Escape($_))(*") })
    if ($notRun) { $problems.Add("$($notRun.Count) of $($Discovered.Count) discovered xunit tests did not run: $(($notRun | Select-Object -First 10) -join ', ')") }
    [pscustomobject]@{
        Name     = 'xunit'
        Passed   = @($results | Where-Object Outcome -EQ 'Passed').Count
        Failed   = @($results | Where-Object Outcome -NotIn 'Passed', 'NotExecuted').Count + $notRun.Count
        Skipped  = @($results | Where-Object Outcome -EQ 'NotExecuted' | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Reason = $_.Message } })
        FailedTests = @($results | Where-Object Outcome -NotIn 'Passed', 'NotExecuted' | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Message = $_.Message } })
        Slowest  = @($results | Sort-Object Seconds -Descending | Select-Object -First 5 | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Seconds = $_.Seconds } })
        Problems = $problems.ToArray()
    }
}

# The same for Pester, from the JSON tests/Invoke-PesterSuite.ps1 writes and the exit code of its pwsh.
function Get-PesterRun([string] $JsonPath, [int] $ExitCode) {
    $problems = [Collections.Generic.List[string]]::new()
    if ($ExitCode -ne 0) { $problems.Add("the Pester host exited with code $ExitCode") }
    if (-not (Test-Path $JsonPath)) {
        $problems.Add("Pester wrote no results to ${JsonPath}: the run did not finish")
        return [pscustomobject]@{ Name = 'Pester'; Passed = 0; Failed = 0; Skipped = @(); FailedTests = @(); Slowest = @(); Problems = $problems.ToArray() }
    }
    $r = Get-Content $JsonPath -Raw | ConvertFrom-Json
    if ([int]$r.FailedContainers) { $problems.Add("$($r.FailedContainers) Pester files or blocks failed to run: $(@($r.FailedContainerNames) -join ', ')") }
    if ([int]$r.NotRun) { $problems.Add("$($r.NotRun) of $($r.Total) discovered Pester tests did not run: $((@($r.NotRunNames) | Select-Object -First 10) -join ', ')") }
    if ([int]$r.Total -eq 0) { $problems.Add('Pester discovered no tests') }
    [pscustomobject]@{
        Name     = 'Pester'
        Passed   = [int]$r.Passed
        Failed   = [int]$r.Failed + [int]$r.FailedContainers + [int]$r.NotRun
        Skipped  = @($r.SkippedTests | Where-Object { $_ } | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Reason = $_.Reason } })
        FailedTests = @($r.PSObject.Properties['FailedTests'] | ForEach-Object Value | Where-Object { $_ } | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Message = $_.Message } })
        Slowest  = @($r.PSObject.Properties['Files'] | ForEach-Object Value | Sort-Object { [double]$_.Seconds } -Descending | Select-Object -First 5)
        Problems = $problems.ToArray()
    }
}

# A message's first non-blank line, cut to fit a CI log line.
function Get-FirstLine([string] $Text, [int] $Max = 300) {
    $line = @($Text -split '\r?\n' | Where-Object { $_.Trim() } | Select-Object -First 1)[0]
    $line = "$line".Trim()
    if ($line.Length -gt $Max) { $line.Substring(0, $Max - 1) + '…' } else { $line }
}

# Prints the skip list and every problem, then the one counts line; returns the exit code. Under CI a skip is a
# failure (a missing dependency), and each problem that no failed test already accounts for counts as one failure,
# so the line says 0 failed exactly when the exit code is 0.
function Write-SuiteSummary([object[]] $Runs, [string[]] $MachineChanges = @(), [bool] $Ci = (Test-CiRun)) {
    $skipped = @($Runs | ForEach-Object { $run = $_; $_.Skipped | ForEach-Object { "$($run.Name): $($_.Name)$(if ($_.Reason) { " ($($_.Reason))" })" } })
    $problems = @($Runs | ForEach-Object { $run = $_; $_.Problems | ForEach-Object { "$($run.Name): $_" } }) + @($MachineChanges | ForEach-Object { "the suite changed the machine: $_" })
    Write-Host ''
    # Where the time went, to keep the suite within its budget: the slowest xunit tests and Pester files.
    foreach ($run in $Runs) {
        $slowest = @($run.PSObject.Properties['Slowest'] | ForEach-Object Value | Where-Object { $_ })
        if ($slowest) { Write-Host "Slowest in $($run.Name): $(($slowest | ForEach-Object { "$($_.Name) $($_.Seconds) s" }) -join ', ')" }
    }
    Write-Host "Skipped tests ($($skipped.Count)):$(if (-not $skipped) { ' none' })"
    $skipped | ForEach-Object { Write-Host "  $_" }
    # CI keeps only the end of the log, so each failure is named here, beside the counts, with its message's first line.
    $failedTests = @($Runs | ForEach-Object { $run = $_; $_.PSObject.Properties['FailedTests'] | ForEach-Object Value | Where-Object { $_ } |
            ForEach-Object { "$($run.Name): $($_.Name)$(if ($_.Message) { " ($(Get-FirstLine $_.Message))" })" } })
    if ($failedTests) {
        Write-Host "Failed tests ($($failedTests.Count)):"
        $failedTests | ForEach-Object { Write-Host "  $_" }
    }
    $passed = ($Runs | Measure-Object Passed -Sum).Sum
    $failed = ($Runs | Measure-Object Failed -Sum).Sum
    if ($Ci -and $skipped) {
        $problems += "under CI no test may skip (a missing dependency is a failure): $($skipped.Count) skipped"
        $failed += $skipped.Count
        $skipped = @()
    }
    foreach ($run in $Runs) { if ($run.Problems -and $run.Failed -eq 0) { $failed++ } }
    if ($MachineChanges) { $failed++ }
    foreach ($p in $problems) { Write-Host "FAILED: $p" -ForegroundColor Red }
    foreach ($run in $Runs) { Write-Host "$($run.Name): $($run.Passed) passed, $($run.Failed) failed, $(@($run.Skipped).Count) skipped" }
    Write-Host "$passed passed, $failed failed, $($skipped.Count) skipped"
    if ($failed -gt 0 -or $passed -eq 0) { 1 } else { 0 }
}

# What the suite must leave as it found it: the p11-kit registries, pcscd's run directory, and the user's p11-kit
# config and smartcard_list.txt locations. One line per entry: path, type, mode, owner, size, and a hash of files.
function Get-MachineState([string[]] $Path = (Get-MachineStatePath)) {
    foreach ($p in $Path) {
        if (-not (Test-Path -LiteralPath $p)) { "$p absent"; continue }
        foreach ($line in (& find $p -xdev -printf '%p\t%y\t%m\t%U:%G\t%s\n' | Sort-Object)) {
            $entry, $type = $line -split "`t"
            if ($type -eq 'f') { $line += "`t" + (Get-FileHash -LiteralPath $entry -Algorithm SHA256).Hash }
            elseif ($type -eq 'd') { $line = $line -replace "`t\d+$", '' }
            $line
        }
    }
}

function Get-MachineStatePath {
    $p11Package = & pkg-config --variable=p11_module_configs p11-kit-1 2>$null
    $config = if ($env:XDG_CONFIG_HOME) { $env:XDG_CONFIG_HOME } else { Join-Path $HOME '.config' }
    $cache = if ($env:XDG_CACHE_HOME) { $env:XDG_CACHE_HOME } else { Join-Path $HOME '.cache' }
    @('/etc/pkcs11', $(if ($p11Package) { $p11Package } else { '/usr/share/p11-kit/modules' }), '/run/pcscd',
        (Join-Path $config 'pkcs11'), (Join-Path $cache 'smartcard_list.txt'), (Join-Path $HOME '.smartcard_list.txt'),
        '/usr/local/pcsc', '/usr/share/pcsc', '/usr/local/share/pcsc') + @(Get-WineWinscardPath) | Select-Object -Unique
}

# Wine's winscard files, which tests/wine/winscard.sh replaces for the Wine tests' run and must put back, and the names
# its dpkg diversions move them to.
function Get-WineWinscardPath {
    foreach ($file in '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/winscard.dll', '/usr/lib/x86_64-linux-gnu/wine/x86_64-unix/winscard.so') {
        $file
        "$file.smartcardps-distrib"
    }
}

# The dpkg diversions of those files, one line each, for the machine check (not in Get-MachineState, whose paths the
# tests compare while a Wine run may be diverting).
function Get-WineDiversion {
    if (-not (Test-Path /usr/bin/dpkg-divert)) { return }
    foreach ($file in Get-WineWinscardPath | Where-Object { $_ -notlike '*.smartcardps-distrib' }) {
        & dpkg-divert --list $file | ForEach-Object { "diversion: $_" }
    }
}

function Compare-MachineState([string[]] $Before, [string[]] $After) {
    Compare-Object @($Before) @($After) | Sort-Object InputObject |
        ForEach-Object { "$(if ($_.SideIndicator -eq '<=') { 'was' } else { 'now' }): $($_.InputObject -replace "`t", ' ')" }
}
