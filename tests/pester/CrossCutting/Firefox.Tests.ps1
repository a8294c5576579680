# Against a real headless Firefox ESR, in a private HOME (never the real user's profiles). Each Firefox run
# takes seconds, so a few runs cover loading, running detection and the policy.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:NoNamespace = $FirefoxMissing -or -not $IsLinux -or ((& id -u) -ne '0') -or -not (Get-Command unshare -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    Use-TestHome | Out-Null

    # Starts firefox-esr in the background (HOME is inherited); the caller waits for it or kills it.
    function Start-TestFirefox([string] $ProfilePath, [string[]] $Arguments) {
        $psi = [Diagnostics.ProcessStartInfo]::new('firefox-esr')
        foreach ($a in @('--headless', '--profile', $ProfilePath) + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($psi)
        $process.BeginOutputReadLine()
        $process.BeginErrorReadLine()
        $process
    }

    # Waits until the profile's lock holder has mapped the library: proof that Firefox loaded the module.
    function Wait-FirefoxLoads([string] $Name, [string] $Library, [Diagnostics.Process] $Process, [int] $TimeoutMs = 30000) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        while ($sw.ElapsedMilliseconds -lt $TimeoutMs -and -not $Process.HasExited) {
            $p = Get-FirefoxProfile -Name $Name
            if ($p.IsRunning -and $p.ProcessId -gt 0) {
                $maps = Get-Content "/proc/$($p.ProcessId)/maps" -ErrorAction SilentlyContinue
                # The maps name the file behind any symlink (/usr/lib/softhsm is one on Debian).
                if ($maps -match [regex]::Escape('/' + (Split-Path $Library -Leaf))) { return $p }
            }
            Start-Sleep -Milliseconds 50
        }
        throw "Firefox did not load $Library within $TimeoutMs ms (exited: $($Process.HasExited))."
    }
}

AfterAll {
    Restore-TestHome
}

Describe 'Get-FirefoxProfile with a real headless Firefox' -Skip:$FirefoxMissing {
    It 'finds profiles made by firefox-esr -CreateProfile, under ~/.config/mozilla/firefox' {
        $p = New-TestFirefoxProfile 'first'
        $p.Name | Should -Be 'first'
        $p.Path | Should -BeLike "$TestHome/.config/mozilla/firefox/*.first"
        $p.IsRunning | Should -BeFalse
        $p.IsDefault | Should -BeFalse   # -CreateProfile marks no default; Register-NssModule still picks the only profile
        Test-Path (Join-Path $p.Path 'pkcs11.txt') | Should -BeFalse
        ($p | ConvertTo-Json | ConvertFrom-Json).Path | Should -Be $p.Path
    }
}

Describe 'Firefox profiles and security devices with a real headless Firefox' -Skip:$FirefoxMissing {
    It 'registers a module in a new profile, and a --screenshot run of Firefox loads it and keeps it' {
        $p = New-TestFirefoxProfile 'shot'
        $module = Register-NssModule -Profile shot -Name 'SoftHSM test' -ModulePath $SoftHsmLibrary
        $module.Database | Should -Be $p.Path
        (& stat -c '%a' (Join-Path $p.Path 'pkcs11.txt')) | Should -Be '600'
        $shot = Join-Path $TestHome 'shot.png'
        $firefox = Start-TestFirefox $p.Path @('--screenshot', $shot, 'about:blank')
        try {
            $running = Wait-FirefoxLoads 'shot' $SoftHsmLibrary $firefox
            $running.IsRunning | Should -BeTrue
            [SmartCardPS.Nss.FirefoxSetup]::Inspect($running).Module | Should -BeNullOrEmpty -Because 'SoftHSM is neither OpenSC nor p11-kit-proxy'
            $firefox.WaitForExit(60000) | Should -BeTrue
        } finally {
            if (-not $firefox.HasExited) { $firefox.Kill() }
        }
        Test-Path $shot | Should -BeTrue
        (Get-NssModule -Profile shot -Name 'SoftHSM test').Library | Should -Be $SoftHsmLibrary
        (Get-FirefoxProfile -Name shot).IsRunning | Should -BeFalse
    }

    It 'takes a profile directory written with a trailing separator (as Tab completes it) for that profile' {
        $p = Get-FirefoxProfile -Name shot
        # -WhatIf's line goes to the host, so a child pwsh prints it where the test can read it.
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; Unregister-NssModule -Profile '$($p.Path)/' -Name 'SoftHSM test' -WhatIf"
        $LASTEXITCODE | Should -Be 0 -Because "$out"
        "$out" | Should -BeLike "*Remove the PKCS#11 module 'SoftHSM test'*Firefox profile 'shot' (*$(Split-Path $p.Path -Leaf)*)*"
    }

    It 'sees a running Firefox by its .parentlock, refuses changes unless -Force, and not after it ends' {
        $p = New-TestFirefoxProfile 'live'
        Register-NssModule -Profile $p -Name 'SoftHSM' -ModulePath $SoftHsmLibrary | Out-Null
        $firefox = Start-TestFirefox $p.Path @('about:blank')
        try {
            $running = Wait-FirefoxLoads 'live' $SoftHsmLibrary $firefox
            $running.IsRunning | Should -BeTrue
            $before = Get-FileHash (Join-Path $p.Path 'pkcs11.txt')
            { Register-NssModule -Profile live -ModulePath $OpenScLibraryPath -ErrorAction Stop } |
                Should -Throw -ErrorId 'RegisterNssModuleFirefoxRunning,SmartCardPS.Commands.RegisterNssModuleCommand' -ExpectedMessage '*restart Firefox*'
            { Unregister-NssModule -Profile live -Name SoftHSM -ErrorAction Stop } |
                Should -Throw -ErrorId 'UnregisterNssModuleFirefoxRunning,SmartCardPS.Commands.UnregisterNssModuleCommand'
            (Get-FileHash (Join-Path $p.Path 'pkcs11.txt')).Hash | Should -Be $before.Hash
            # The setup check: no OpenSC or p11-kit-proxy yet; once registered while Firefox runs, a restart is due.
            $check = [SmartCardPS.Nss.FirefoxSetup]::Inspect((Get-FirefoxProfile -Name live))
            $check.Module | Should -BeNullOrEmpty
            $check.Remedy | Should -Match 'Register-NssModule -Profile .live. -Force'
            Register-NssModule -Profile live -ModulePath $OpenScLibraryPath -Force -WarningVariable w 3>$null | Out-Null
            "$w" | Should -Match 'restart Firefox'
            $check = [SmartCardPS.Nss.FirefoxSetup]::Inspect((Get-FirefoxProfile -Name live))
            $check.Module.Name | Should -Be 'OpenSC'
            $check.NeedsRestart | Should -BeTrue
            $check.Remedy | Should -Be 'Restart Firefox.'
            $setup = Test-SmartCardSetup | Where-Object { $_.Name -eq 'Firefox security device' -and $_.Detail -like "*profile 'live'*" }
            $setup.Status | Should -Be 'Warn'
            $setup.Remedy | Should -Be 'Restart Firefox.'
        } finally {
            $firefox.Kill()
            $firefox.WaitForExit()
        }
        # Killed, Firefox leaves its lock symlink behind; the fcntl lock went with the process.
        Test-Path -LiteralPath (Join-Path $p.Path 'lock') | Should -BeTrue
        (Get-FirefoxProfile -Name live).IsRunning | Should -BeFalse
        Unregister-NssModule -Profile live -Name OpenSC
        (Get-NssModule -Profile live).Name | Should -Be @('SoftHSM')
    }

    It 'registers in every profile with -AllProfiles, the default profile otherwise' {
        $all = @(Get-FirefoxProfile)
        $all.Count | Should -BeGreaterThan 1
        @(Register-NssModule -UseP11KitProxy -AllProfiles -WarningAction SilentlyContinue).Count | Should -Be $all.Count
        foreach ($p in $all) { (Get-NssModule -Profile $p -Name p11-kit-proxy).Name | Should -Be 'p11-kit-proxy' }
        Unregister-NssModule -Name p11-kit-proxy -AllProfiles
        @(Get-NssModule -Name p11-kit-proxy -ErrorAction SilentlyContinue).Count | Should -Be 0
        # With more than one profile, -CreateProfile marked the first one Default=1.
        $default = @($all | Where-Object IsDefault)
        $default.Name | Should -Be @('first')
        (Register-NssModule -UseP11KitProxy).Database | Should -Be $default[0].Path
        Unregister-NssModule -Name p11-kit-proxy
        @(Get-NssModule -Name p11-kit-proxy -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'gives a register remedy that runs as written for a profile whose name holds quotes' {
        # No space: firefox-esr -CreateProfile reads 'name path'.
        $name = "Bob's$([char]0x2018)work$([char]0x2019)"
        $p = New-TestFirefoxProfile $name
        $p.Name | Should -Be $name
        $remedy = [SmartCardPS.Nss.FirefoxSetup]::Inspect($p).Remedy
        $remedy | Should -BeLike 'Register-NssModule -Profile *'
        Invoke-Expression $remedy | Out-Null
        [SmartCardPS.Nss.FirefoxSetup]::Inspect((Get-FirefoxProfile -Name $name)).Module.Name | Should -Be 'OpenSC'
        Unregister-NssModule -Profile $name -Name OpenSC
    }
}

Describe 'The help examples of the Firefox and NSS cmdlets' -Skip:($FirefoxMissing -or $NssToolsMissing) {
    It 'run without an error and do what their help says in a home with Firefox profiles and a shared NSS database' {
        . (Join-Path $PSScriptRoot '../Support/ExampleClaims.ps1')
        # Profiles of its own, so the examples do not depend on the tests before them (with two, the first is the default).
        foreach ($name in 'examples', 'examples-2') { New-TestFirefoxProfile $name | Out-Null }
        New-Item -ItemType Directory "$TestHome/.pki/nssdb" -Force | Out-Null
        & certutil -N --empty-password -d "sql:$TestHome/.pki/nssdb"
        Push-Location $TestHome
        try {
            # Registering first, so the listing examples have modules to show and the removing ones a module to remove.
            foreach ($name in 'Register-NssModule', 'Get-FirefoxProfile', 'Get-NssModule', 'Unregister-NssModule', 'Set-FirefoxSecurityDevicePolicy') {
                foreach ($example in (Get-Help $name -Examples).Examples.Example) {
                    $code = ($example.Code -join "`n").Trim()
                    if ($code -match '(?m)^sudo |/home/alice') { continue }   # elevated (on any line of the example), or another user's home
                    $code = $code -replace '\$HOME\b', '$env:HOME'        # PowerShell's $HOME is fixed at start; the test home is $env:HOME
                    $before = Get-FileSnapshot $TestHome
                    $script:output = $null
                    { $script:output = @(& ([scriptblock]::Create("`$ErrorActionPreference = 'Stop'; $code"))) } | Should -Not -Throw -Because $code
                    Assert-ExampleClaim (Get-ExampleClaim $code (@($example.Remarks | ForEach-Object Text) -join ' ').Trim()) $script:output $before (Get-FileSnapshot $TestHome) $code
                }
            }
        } finally {
            Pop-Location
        }
        (Get-NssModule -SharedDatabase -Name 'CAC Module').Library | Should -Be '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so'
    }
}

Describe 'Set-FirefoxSecurityDevicePolicy with a real Firefox, in a private mount namespace' -Skip:$NoNamespace {
    It 'writes /etc/firefox/policies/policies.json, which firefox-esr reads and loads the device from' {
        $p = New-TestFirefoxProfile 'policy'
        $machinePolicy = '/etc/firefox/policies/policies.json'
        $machineBefore = if (Test-Path $machinePolicy) { (Get-FileHash $machinePolicy).Hash } else { 'absent' }
        $script = Join-Path $TestHome 'policy-run.ps1'
        # Inside the namespace: /etc is an overlay on a tmpfs, so /etc/firefox/policies is created there only.
        @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleDir/SmartCardPS.psd1'
`$policy = Set-FirefoxSecurityDevicePolicy -Name 'Policy HSM' -ModulePath '$SoftHsmLibrary'
if (`$policy.PolicyPath -ne '/etc/firefox/policies/policies.json') { throw "wrote `$(`$policy.PolicyPath)" }
`$psi = [Diagnostics.ProcessStartInfo]::new('firefox-esr')
foreach (`$a in '--headless', '--profile', '$($p.Path)', '--screenshot', '$TestHome/policy.png', 'about:blank') { `$psi.ArgumentList.Add(`$a) }
`$psi.RedirectStandardOutput = `$true; `$psi.RedirectStandardError = `$true
`$ff = [Diagnostics.Process]::Start(`$psi); `$ff.BeginOutputReadLine(); `$ff.BeginErrorReadLine()
`$loaded = `$false
while (-not `$ff.HasExited -and -not `$loaded) {
    `$prof = Get-FirefoxProfile -Name policy
    if (`$prof.ProcessId -gt 0) { `$loaded = [bool]((Get-Content "/proc/`$(`$prof.ProcessId)/maps" -ErrorAction SilentlyContinue) -match 'libsofthsm2') }
    Start-Sleep -Milliseconds 50
}
if (-not `$ff.WaitForExit(60000)) { `$ff.Kill(); throw 'firefox did not finish' }
"loaded=`$loaded"
"@ | Set-Content $script
        $shell = 'd=$(mktemp -d) && mount -t tmpfs tmpfs "$d" && mkdir "$d/u" "$d/w" && mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/u,workdir=$d/w" /etc && exec "$0" "$@"'
        # This pwsh again: under `dotnet pwsh` the process is dotnet and the first argument pwsh.dll.
        $pwsh = @([Environment]::ProcessPath)
        if ((Split-Path $pwsh[0] -Leaf) -eq 'dotnet') { $pwsh += [Environment]::GetCommandLineArgs()[0] }
        $out = & unshare --mount --propagation private sh -c $shell @pwsh -NoProfile -NonInteractive -File $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out | Should -Contain 'loaded=True'
        (Get-NssModule -Profile policy -Name 'Policy HSM').Library | Should -Be $SoftHsmLibrary
        $machineAfter = if (Test-Path $machinePolicy) { (Get-FileHash $machinePolicy).Hash } else { 'absent' }
        $machineAfter | Should -Be $machineBefore -Because 'the machine''s /etc stays untouched'
    }
}
