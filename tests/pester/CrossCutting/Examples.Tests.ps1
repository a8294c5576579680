# Every example in the cmdlets' help and every PowerShell line of the README runs as written, against the private
# pcscd with a card, a SoftHSM token called MyToken and OpenSC, and writes no error. Examples that watch until
# Ctrl+C are stopped after a few seconds. The README's install steps are left to Package.Tests.ps1, which runs them.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired) -or -not (Test-SoftHsmFixtureRequired)
    $script:Examples = [System.Collections.Generic.List[hashtable]]::new()
    foreach ($command in Get-Command -Module SmartCardPS -CommandType Cmdlet | Sort-Object Name) {
        $i = 0
        foreach ($example in (Get-Help $command.Name).Examples.Example) {
            $i++
            $Examples.Add(@{ Source = "$($command.Name) example $i"; Code = $example.Code.Trim(); Remark = (@($example.Remarks | ForEach-Object Text) -join ' ').Trim() })
        }
    }
    $heading = ''
    $inBlock = $false
    $lineNumber = 0
    foreach ($line in Get-Content (Join-Path $PSScriptRoot '../../../README.md')) {
        $lineNumber++
        if ($line -match '^#+ ') { $heading = $line }
        if ($line -match '^```') { $inBlock = $line -eq '```powershell' -and $heading -ne '## Installing'; continue }
        if ($inBlock -and $line.Trim()) { $Examples.Add(@{ Source = "README line $lineNumber"; Code = $line.Trim(); Remark = '' }) }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/ExampleClaims.ps1')
    $script:Pcsc = Start-TestPcsc
    $script:Hsm = Start-TestSoftHsm -Label 'MyToken'
    # The object examples export 'My cert' from MyToken.
    if ($Hsm) { Add-TestCertificate -Hsm $Hsm -TokenLabel 'MyToken' -Label 'My cert' }
    # And the private key the login example lists.
    if ($Hsm) {
        $out = & pkcs11-tool --module ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) --token-label MyToken --login --pin 1234 --keypairgen --key-type EC:prime256v1 --label 'My key' 2>&1
        if ($LASTEXITCODE) { throw "pkcs11-tool --keypairgen failed: $out" }
    }
    $script:Card = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A'
    $script:Home_ = Join-Path ([IO.Path]::GetTempPath()) ("scps-examples-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory (Join-Path $Home_ '.config') -Force | Out-Null
    $script:SavedHome = $env:HOME
    $script:SavedPath = $env:PSModulePath
    $env:HOME = $Home_
    # Set-OpenScConfiguration examples edit a private opensc.conf, never the machine's.
    $script:SavedOpenScConf = $env:OPENSC_CONF
    $env:OPENSC_CONF = Join-Path $Home_ 'opensc.conf'
    # Import-Module SmartCardPS by name finds the built module.
    $env:PSModulePath = (Split-Path $ModuleDir) + [IO.Path]::PathSeparator + $env:PSModulePath

    # What the examples assume is there. Register-* examples start without OpenSC registered, Unregister-* ones
    # with it registered as Register-OpenScModule does, the others as Debian's opensc-pkcs11 package does.
    # OpenSC takes seconds to give up on the virtual card, so PKCS#11 and setup examples run with the readers empty.
    function Reset-ExampleState([string] $Code) {
        Clear-TestRegistry
        Get-ChildItem $Home_ -Force | Remove-Item -Recurse -Force
        New-Item -ItemType Directory (Join-Path $Home_ '.config') -Force | Out-Null
        $Hsm.Register('softhsm2') | Out-Null
        # Unregister-Pkcs11Module examples remove the ykcs11 registration that Register-Pkcs11Module's examples make.
        if ($Code -match 'Unregister-Pkcs11Module') { Register-Pkcs11Module -Name ykcs11 -ModulePath /usr/lib/x86_64-linux-gnu/libykcs11.so | Out-Null }
        if ($Code -match 'Unregister-OpenScModule -Path (\S+)') { Register-OpenScModule -Path $Matches[1] | Out-Null }
        elseif ($Code -match 'Unregister-OpenScModule') { Register-OpenScModule | Out-Null }
        elseif ($Code -notmatch 'Register-OpenScModule') { Set-TestModuleConfig $PackageModuleDir 'opensc-pkcs11' "module: opensc-pkcs11.so`n" | Out-Null }
        # The example listing disabled modules needs one: OpenSC for p11tool only.
        if ($Code -match '\.Enabled\b') { Set-TestModuleConfig $PackageModuleDir 'p11tool-only' "module: opensc-pkcs11.so`nenable-in: p11tool`n" | Out-Null }
        if ($Code -match 'Firefox|NssModule') { Initialize-FirefoxExampleHome $Code }
        # The OpenSC examples read and edit ./opensc.conf: the private file OPENSC_CONF names, in the examples' location.
        if ($Code -match 'OpenScConfiguration') { Set-Content (Join-Path $Home_ 'opensc.conf') "app default {`n}`n" -NoNewline }
        $cardIn = (Get-SmartCardReader -Name $Pcsc.ReaderNames[0]).CardPresent
        if ($Code -match 'Pkcs11|OpenSc|SmartCardSetup') {
            if ($cardIn) {
                $Pcsc.Remove(0)
                $null = Wait-TestReader $Pcsc.ReaderNames[0] $false
            }
        }
        elseif (-not $cardIn) {
            $null = $Pcsc.Insert(0, $Card)
            $null = Wait-TestReader $Pcsc.ReaderNames[0] $true
        }
    }

    # Firefox and NSS examples: two profiles made by firefox-esr in the example home (the first is then the
    # default), a shared NSS database, and the 'CAC Module' an Unregister example removes.
    function Initialize-FirefoxExampleHome([string] $Code) {
        foreach ($name in 'first', 'second') { & firefox-esr --headless -CreateProfile $name 2>&1 | Out-Null }
        New-Item -ItemType Directory (Join-Path $Home_ '.pki/nssdb') -Force | Out-Null
        & certutil -N --empty-password -d "sql:$Home_/.pki/nssdb"
        # What the listing and removing examples list and remove: OpenSC in every profile, the 'CAC Module' shared.
        if ($Code -match 'Get-NssModule|Unregister-NssModule') {
            Register-NssModule -AllProfiles | Out-Null
            Register-NssModule -Name 'CAC Module' -SharedDatabase | Out-Null
        }
    }

    # Set-FirefoxSecurityDevicePolicy without -PolicyPath writes the machine's /etc/firefox/policies: such an
    # example runs in another pwsh inside a private mount namespace whose /etc is an overlay on a tmpfs.
    function Invoke-ExampleWithPrivateEtc([string] $Code) {
        $pwsh = @([Environment]::ProcessPath)
        if ((Split-Path $pwsh[0] -Leaf) -eq 'dotnet') { $pwsh += [Environment]::GetCommandLineArgs()[0] }
        $script = "function sudo { `$command, `$rest = `$args; & `$command @rest }`n" +
            "function pwsh { & ([scriptblock]::Create(`$args[1])) }`n" +
            "Import-Module '$ModuleDir/SmartCardPS.psd1'`n" +
            "try { $Code } catch { Write-Error `$_ }`nif (`$Error.Count) { `$Error | ForEach-Object { [Console]::Error.WriteLine(`"`$_`") }; exit 1 }"
        $shell = 'd=$(mktemp -d) && mount -t tmpfs tmpfs "$d" && mkdir "$d/u" "$d/w" && mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/u,workdir=$d/w" /etc && exec "$0" "$@"'
        $out = & unshare --mount --propagation private sh -c $shell @pwsh -NoProfile -NonInteractive -Command $script 2>&1
        [pscustomobject]@{ Stopped = $false; Failure = $null; Errors = @(if ($LASTEXITCODE) { "exit code $LASTEXITCODE`: $($out -join "`n")" }); Output = @(); PrivateEtc = $true }
    }

    # An example with -Scope User makes the registration of the user who runs it, which root may not (p11-kit reads no
    # user configs for root): it runs as the unprivileged test user, in a home of its own.
    function Invoke-ExampleAsUser([string] $Code) {
        $userHome = New-TestUserHome
        try {
            # What it writes lands in that home: the file snapshots are taken there.
            $before = Get-FileSnapshot $userHome
            $out = Invoke-AsTestUser -HomeDir $userHome -Script "try {`n$Code`n} catch { Write-Error `$_ }`n`$Error | ForEach-Object { 'example error: ' + `$_ }"
            $after = Get-FileSnapshot $userHome
        }
        finally { Remove-Item $userHome -Recurse -Force }
        [pscustomobject]@{ Stopped = $false; Failure = $null; Errors = @($out | Where-Object { "$_" -like 'example error: *' })
            Output = @($out | Where-Object { "$_" -notlike 'example error: *' }); PrivateEtc = $false; Before = $before; After = $after }
    }

    # Runs one example in a fresh runspace with the module imported, as a user at a new prompt would.
    function Invoke-Example([string] $Code) {
        if ($Code -match 'Set-FirefoxSecurityDevicePolicy' -and $Code -notmatch '-PolicyPath') { return Invoke-ExampleWithPrivateEtc $Code }
        if ($Code -match '-Scope User') { return Invoke-ExampleAsUser $Code }
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule((Join-Path $ModuleDir 'SmartCardPS.psd1'))
        $ps = [powershell]::Create($iss)
        # The tests run as root, so 'sudo' just runs its command, and 'pwsh -c' runs its script here: a new process
        # would only add its start-up time.
        $shims = @'
function sudo { $command, $rest = $args; & $command @rest }
function pwsh { if ($args.Count -ne 2 -or $args[0] -notin '-c', '-Command') { throw "The examples use pwsh only as pwsh -c '...'." }; & ([scriptblock]::Create($args[1])) }
'@
        # Relative paths in an example (./opensc.conf) are the example home's, never the checkout's.
        $null = $ps.AddScript("Set-Location -LiteralPath '$Home_'").AddStatement()
        $null = $ps.AddScript($shims).AddStatement().AddScript($Code + "`nif (`$global:LASTEXITCODE) { throw `"exit code `$global:LASTEXITCODE`" }")
        $handle = $ps.BeginInvoke()
        $stopped = $false
        # A watch runs until stopped: a second shows that it starts and reports without error.
        $watches = $Code -match 'Watch-SmartCard' -and $Code -notmatch 'Select-Object -First'
        if (-not $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($(if ($watches) { 1 } else { 60 })))) {
            $ps.Stop()
            $stopped = $true
        }
        $failure = $null
        $output = @()
        try { $output = @($ps.EndInvoke($handle)) } catch { if (-not $stopped) { $failure = $_.Exception } }
        # An example that keeps its result ($card = ...) shows it through the variable.
        if (-not $output -and $Code -match '^\$(\w+)\s*=') { $output = @($ps.Runspace.SessionStateProxy.GetVariable($Matches[1])) }
        $errors = @($ps.Streams.Error | Where-Object { -not ($stopped -and ($_.Exception.GetBaseException() -is [System.Management.Automation.PipelineStoppedException] -or $_.FullyQualifiedErrorId -match 'PipelineStopped')) })
        [pscustomobject]@{ Stopped = $stopped; Failure = $failure; Errors = $errors; Output = $output; PrivateEtc = $false }
        $ps.Dispose()
    }
}

AfterAll {
    $env:HOME = $script:SavedHome
    $env:PSModulePath = $script:SavedPath
    $env:OPENSC_CONF = $script:SavedOpenScConf
    Remove-Item $script:Home_ -Recurse -Force -ErrorAction SilentlyContinue
    if ($script:Hsm) { $script:Hsm.Dispose() }
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
    Remove-TestUserPwsh
    Clear-TestRegistry
}

Describe 'Examples' -Skip:$NoFixture {
    It '<Source> runs as written and does what its help says: <Code>' -ForEach $Examples {
        Reset-ExampleState $Code
        # Where the examples write: the example home (opensc.conf, Firefox, ~/.config/pkcs11), the registry, the current folder's files.
        $watched = $Home_, '/etc/pkcs11', $PackageModuleDir, (Join-Path $PWD 'policies.json'), (Join-Path $PWD 'opensc.conf'),
            (Join-Path ([IO.Path]::GetTempPath()) 'mf.script')
        $before = Get-FileSnapshot $watched
        $result = Invoke-Example $Code
        $after = Get-FileSnapshot $watched
        $result.Failure | Should -BeNullOrEmpty
        ($result.Errors | ForEach-Object { "$_" }) -join "`n" | Should -BeNullOrEmpty
        # Only a watch may still be running when it is stopped: it runs until Ctrl+C by design.
        if ($result.Stopped) { $Code | Should -Match 'Watch-SmartCard' -Because 'every other example must finish' }
        # A stopped watch has shown what came in its second, and a private /etc is gone with its namespace.
        if ($result.PSObject.Properties['After']) { $before, $after = $result.Before, $result.After }
        if (-not $result.Stopped -and -not $result.PrivateEtc) {
            Assert-ExampleClaim (Get-ExampleClaim $Code $Remark) $result.Output $before $after $Source
        }
    }
}
