BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:Dirs = [Collections.Generic.List[string]]::new()
    function New-Db { $d = New-TestNssDatabase; $Dirs.Add($d); $d }
}

AfterAll {
    foreach ($d in $Dirs) { Remove-Item $d -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Register-NssModule and Unregister-NssModule with NSS databases' -Skip:$NssToolsMissing {
    It 'registers a module that modutil -list lists, and Get-NssModule agrees with modutil field by field' {
        $db = New-Db
        $module = Register-NssModule -Name 'CAC Module' -ModulePath $SoftHsmLibrary -NssDatabase "sql:$db"
        $module.Name | Should -Be 'CAC Module'
        $module.Library | Should -Be $SoftHsmLibrary
        $module.Database | Should -Be $db
        $listed = Get-ModutilList $db
        $listed.Name | Should -Be @('CAC Module')
        $listed.Library | Should -Be @($SoftHsmLibrary)
        $raw = @(& modutil -dbdir "sql:$db" -rawlist | Where-Object { $_ -and $_ -notmatch 'Flags=internal' })
        $ours = @(Get-NssModule -NssDatabase $db | Where-Object { -not $_.IsInternal })
        $ours.ModuleSpec | Should -Be $raw
        $ours[0].Parameters | Should -Be ''
        $ours[0].Flags.Count | Should -Be 0
        (Get-NssModule -NssDatabase $db)[0].IsInternal | Should -BeTrue
    }

    It 'removes exactly the named module, where NSS would delete by name prefix' {
        $db = New-Db
        & modutil -dbdir "sql:$db" -force -add 'OpenSC 2' -libfile $OpenScLibraryPath | Out-Null
        Register-NssModule -Name OpenSC -ModulePath $SoftHsmLibrary -NssDatabase $db | Out-Null
        Get-NssModule -Name OpenSC -NssDatabase $db | Unregister-NssModule
        (Get-ModutilList $db).Name | Should -Be @('OpenSC 2')
        { Unregister-NssModule -Name OpenSC -NssDatabase $db -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterNssModuleNotFound,SmartCardPS.Commands.UnregisterNssModuleCommand'
        { Unregister-NssModule -Name 'NSS Internal PKCS #11 Module' -NssDatabase $db -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterNssModuleInternalModule,SmartCardPS.Commands.UnregisterNssModuleCommand'
    }

    It 'skips a library already registered under another name, symlinks resolved' {
        $db = New-Db
        & modutil -dbdir "sql:$db" -force -add 'My OpenSC' -libfile $OpenScLibraryPath | Out-Null
        $viaLink = Join-Path (Split-Path $OpenScLibraryPath) 'pkcs11/opensc-pkcs11.so'
        $before = Get-FileHash "$db/pkcs11.txt"
        $module = Register-NssModule -NssDatabase $db -ModulePath $viaLink
        $module.Name | Should -Be 'My OpenSC'
        (Get-FileHash "$db/pkcs11.txt").Hash | Should -Be $before.Hash
    }

    It 'registers OpenSC by default, refuses its name for another library, and warns next to p11-kit-proxy' {
        $db = New-Db
        (Register-NssModule -NssDatabase $db).Library | Should -Match '/opensc-pkcs11\.so$'
        { Register-NssModule -Name OpenSC -ModulePath $SoftHsmLibrary -NssDatabase $db -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterNssModuleNameInUse,SmartCardPS.Commands.RegisterNssModuleCommand'
        $proxy = Register-NssModule -UseP11KitProxy -NssDatabase $db -WarningVariable warnings 3>$null
        $proxy.Name | Should -Be 'p11-kit-proxy'
        $proxy.Library | Should -Match 'p11-kit-proxy\.so$'
        "$warnings" | Should -Match 'Unknown PKCS #11 error'
        (Get-ModutilList $db).Name | Should -Be @('OpenSC', 'p11-kit-proxy')
    }

    It 'says a second registration of the same library changed nothing, as Register-OpenScModule does (issue 23, item 16)' {
        $db = New-Db
        Register-NssModule -NssDatabase $db -WarningVariable first 3>$null | Out-Null
        $first | Should -BeNullOrEmpty
        $again = Register-NssModule -Name Other -NssDatabase $db -WarningVariable warnings 3>$null
        $again.Name | Should -Be 'OpenSC'
        "$warnings" | Should -BeLike "*already loads '*opensc-pkcs11.so' as 'OpenSC'; nothing was changed*"
        (Get-ModutilList $db).Name | Should -Be @('OpenSC')
    }

    It 'refuses while Firefox holds the database without claiming the module was added, and warns about p11-kit-proxy only for a change it makes (issue 23, item 16)' {
        $db = New-Db
        Register-NssModule -NssDatabase $db | Out-Null
        $holder = Start-TestProfileLock $db
        try {
            $before = Get-FileHash "$db/pkcs11.txt"
            $err = { Register-NssModule -UseP11KitProxy -NssDatabase $db -WarningVariable warnings -ErrorAction Stop 3>$null } |
                Should -Throw -ErrorId 'RegisterNssModuleFirefoxRunning,SmartCardPS.Commands.RegisterNssModuleCommand' -PassThru
            $err.Exception.Message | Should -BeLike "*module 'p11-kit-proxy' was not added; nothing was changed*"
            $err.Exception.Message | Should -Not -BeLike '*added)*'
            $warnings | Should -BeNullOrEmpty
            (Get-FileHash "$db/pkcs11.txt").Hash | Should -Be $before.Hash
        }
        finally { Stop-TestProfileLock $holder }
    }

    It 'refuses names NSS would not read back: <Why>' -TestCases @(
        @{ Why = 'newline'; Name = "two`nlines" }
        @{ Why = 'leading quote'; Name = '"x" library=/evil.so' }
    ) {
        $db = New-Db
        $before = Get-FileHash "$db/pkcs11.txt"
        { Register-NssModule -Name $Name -ModulePath $SoftHsmLibrary -NssDatabase $db } |
            Should -Throw -ErrorId 'RegisterNssModuleInvalidName,SmartCardPS.Commands.RegisterNssModuleCommand'
        (Get-FileHash "$db/pkcs11.txt").Hash | Should -Be $before.Hash
    }

    It 'refuses a library that is not a PKCS#11 module: <Why>' -TestCases @(
        @{ Why = 'a text file'; Library = '/etc/hostname'; Message = '*not a loadable shared library (it is not an ELF file)*' }
        @{ Why = 'a shared library without C_GetFunctionList'; Library = 'libz'; Message = '*does not export C_GetFunctionList*' }
    ) {
        . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
        if ($Library -eq 'libz') { $Library = Get-TestLibz }
        $db = New-Db
        $before = Get-FileHash "$db/pkcs11.txt"
        { Register-NssModule -Name Bad -ModulePath $Library -NssDatabase $db } |
            Should -Throw -ErrorId 'RegisterNssModuleNotPkcs11,SmartCardPS.Commands.RegisterNssModuleCommand' -ExpectedMessage $Message
        (Get-FileHash "$db/pkcs11.txt").Hash | Should -Be $before.Hash
    }

    It '-WhatIf writes nothing' {
        $db = New-Db
        Register-NssModule -Name A -ModulePath $SoftHsmLibrary -NssDatabase $db | Out-Null
        $before = Get-FileHash "$db/pkcs11.txt"
        Register-NssModule -Name B -ModulePath $OpenScLibraryPath -NssDatabase $db -WhatIf
        Unregister-NssModule -Name A -NssDatabase $db -WhatIf
        (Get-FileHash "$db/pkcs11.txt").Hash | Should -Be $before.Hash
        @(Get-ChildItem $db -Force -Filter '.*.tmp').Count | Should -Be 0
    }

    It 'keeps the mode of pkcs11.txt and reads hostile content as NSS does' {
        $db = New-Db
        & chmod 640 "$db/pkcs11.txt"
        [IO.File]::AppendAllText("$db/pkcs11.txt", "library=/c.so`r`nname=`"q \`" n`" library=/evil.so`r`n`r`ngarbage without equals`nname=$('N' * 2100)`n`n")
        Register-NssModule -Name Soft -ModulePath $SoftHsmLibrary -NssDatabase $db | Out-Null
        (& stat -c '%a' "$db/pkcs11.txt") | Should -Be '640'
        $raw = @(& modutil -dbdir "sql:$db" -rawlist | Where-Object { $_ -and $_ -notmatch 'Flags=internal' })
        (Get-NssModule -NssDatabase $db | Where-Object { -not $_.IsInternal }).ModuleSpec | Should -Be $raw
        (Get-NssModule -NssDatabase $db -Name 'q " n').Library | Should -Be '/evil.so'
    }

    It 'reports a missing database and a legacy dbm: database clearly' {
        $missing = Join-Path ([IO.Path]::GetTempPath()) 'smartcardps-no-such-db'
        { Get-NssModule -NssDatabase $missing -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetNssModuleDatabaseNotFound,SmartCardPS.Commands.GetNssModuleCommand'
        { Get-NssModule -NssDatabase "dbm:$missing" -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetNssModuleInvalidDatabase,SmartCardPS.Commands.GetNssModuleCommand'
    }

    It 'says how to create a missing database with a command that works when pasted (issue 23, item 3)' {
        $parent = New-TestDirectory 'nodb'
        $Dirs.Add($parent)
        Push-Location $parent
        try {
            $err = { Register-NssModule -NssDatabase ./nodb/inner -ModulePath $SoftHsmLibrary -Name Soft -ErrorAction Stop } |
                Should -Throw -ErrorId 'RegisterNssModuleDatabaseNotFound,SmartCardPS.Commands.RegisterNssModuleCommand' -PassThru
            $err.Exception.Message -match 'with: (.+)$' | Should -BeTrue
            $remedy = $Matches[1]
            # Pasted into PowerShell as it stands, then the same registration succeeds.
            Invoke-Expression $remedy
            $LASTEXITCODE | Should -Be 0
            (Register-NssModule -NssDatabase ./nodb/inner -ModulePath $SoftHsmLibrary -Name Soft).Name | Should -Be 'Soft'
            # And in sh, as a user of another shell pastes it.
            Remove-Item ./nodb -Recurse -Force
            & sh -c $remedy
            $LASTEXITCODE | Should -Be 0
            Test-Path ./nodb/inner/cert9.db | Should -BeTrue
        }
        finally { Pop-Location }
    }

    It 'says how to create a missing database whose directory holds a single quote and a space, in sh and in PowerShell' {
        $parent = New-TestDirectory 'nodb'
        $Dirs.Add($parent)
        $db = Join-Path $parent "Bob's db"
        $err = { Register-NssModule -NssDatabase $db -ModulePath $SoftHsmLibrary -Name Soft -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterNssModuleDatabaseNotFound,SmartCardPS.Commands.RegisterNssModuleCommand' -PassThru
        $message = $err.Exception.Message
        # One command when both shells read it alike; otherwise one line for each shell.
        $sh = if ($message -match '(?m)^\s*sh: (.+)$') { $Matches[1] } elseif ($message -match 'with: (.+)$') { $Matches[1] }
        $ps = if ($message -match '(?m)^\s*PowerShell: (.+)$') { $Matches[1] } elseif ($message -match 'with: (.+)$') { $Matches[1] }
        # Run by /bin/sh as printed: the database lands in the directory named, not in one the quotes made up.
        & /bin/sh -c $sh
        $LASTEXITCODE | Should -Be 0 -Because $sh
        @(Get-ChildItem -LiteralPath $parent -Force).Name | Should -Be @("Bob's db") -Because $sh
        Test-Path -LiteralPath (Join-Path $db 'cert9.db') | Should -BeTrue -Because $sh
        (Register-NssModule -NssDatabase $db -ModulePath $SoftHsmLibrary -Name Soft).Database | Should -Be $db
        # And the PowerShell form, pasted into pwsh as it stands.
        Remove-Item -LiteralPath $db -Recurse -Force
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $ps
        $LASTEXITCODE | Should -Be 0 -Because $ps
        @(Get-ChildItem -LiteralPath $parent -Force).Name | Should -Be @("Bob's db") -Because $ps
        Test-Path -LiteralPath (Join-Path $db 'cert9.db') | Should -BeTrue -Because $ps
    }

    It 'does not guess between several profiles when none is the default' {
        $saved = $env:HOME
        $env:HOME = New-TestDirectory 'home'
        $Dirs.Add($env:HOME)
        try {
            $root = New-Item -ItemType Directory "$env:HOME/.mozilla/firefox"
            "[Profile0]`nName=a`nIsRelative=1`nPath=a`n`n[Profile1]`nName=b`nIsRelative=1`nPath=b`n" | Set-Content "$root/profiles.ini"
            New-Item -ItemType Directory "$root/a", "$root/b" | Out-Null
            (Get-FirefoxProfile).Name | Should -Be @('a', 'b')
            { Register-NssModule -ModulePath $SoftHsmLibrary } |
                Should -Throw -ErrorId 'RegisterNssModuleNoProfile,SmartCardPS.Commands.RegisterNssModuleCommand' -ExpectedMessage '*-AllProfiles*'
            (Register-NssModule -Profile b -ModulePath $SoftHsmLibrary -Name Soft).Database | Should -Be "$root/b"
            Test-Path "$root/a/pkcs11.txt" | Should -BeFalse
        } finally {
            $env:HOME = $saved
        }
    }

    It '-WhatIf names the default profiles the real run changes, when Firefox runs with one of them' {
        $saved = $env:HOME
        $env:HOME = New-TestDirectory 'home'
        $Dirs.Add($env:HOME)
        # Two roots, each with its default profile (a deb Firefox and the Snap one); Firefox runs with the first.
        $roots = "$env:HOME/.mozilla/firefox", "$env:HOME/snap/firefox/common/.mozilla/firefox"
        foreach ($i in 0, 1) {
            New-Item -ItemType Directory "$($roots[$i])/p$i" | Out-Null
            "[Profile0]`nName=p$i`nIsRelative=1`nPath=p$i`nDefault=1`n" | Set-Content "$($roots[$i])/profiles.ini"
        }
        $running, $idle = "$($roots[0])/p0", "$($roots[1])/p1"
        $holder = Start-TestProfileLock $running
        try {
            (Get-FirefoxProfile | Where-Object IsDefault).Path | Should -Be @($running, $idle)
            # The profile directories a -WhatIf text names, and those whose pkcs11.txt the real run changed.
            function Get-Named([string] $Text) { @([regex]::Matches($Text, 'on target "Firefox profile ''[^'']*'' \(''([^'']*)''\)"') | ForEach-Object { $_.Groups[1].Value }) }
            function Get-Hashes { foreach ($p in $running, $idle) { "$p=$((Get-FileHash "$p/pkcs11.txt" -ErrorAction SilentlyContinue).Hash)" } }

            $said = Get-Named (Get-WhatIfText { Register-NssModule -Name Soft -ModulePath $SoftHsmLibrary -WhatIf -ErrorAction SilentlyContinue } $env:HOME)
            $before = Get-Hashes
            Register-NssModule -Name Soft -ModulePath $SoftHsmLibrary -ErrorAction SilentlyContinue -ErrorVariable refused | Out-Null
            $after = Get-Hashes
            $changed = @(foreach ($i in 0, 1) { if ($before[$i] -ne $after[$i]) { ($running, $idle)[$i] } })
            $changed | Should -Be @($idle)
            $said | Should -Be $changed -Because 'what -WhatIf names is what the real run changes'
            $refused.FullyQualifiedErrorId | Should -Be 'RegisterNssModuleFirefoxRunning,SmartCardPS.Commands.RegisterNssModuleCommand'

            # The same for removing: the running profile is given the module with -Force, then the run leaves it.
            Register-NssModule -Profile p0 -Name Soft -ModulePath $SoftHsmLibrary -Force -WarningAction SilentlyContinue | Out-Null
            $said = Get-Named (Get-WhatIfText { Unregister-NssModule -Name Soft -WhatIf -ErrorAction SilentlyContinue } $env:HOME)
            $before = Get-Hashes
            Unregister-NssModule -Name Soft -ErrorAction SilentlyContinue -ErrorVariable refused
            $after = Get-Hashes
            $changed = @(foreach ($i in 0, 1) { if ($before[$i] -ne $after[$i]) { ($running, $idle)[$i] } })
            $changed | Should -Be @($idle)
            $said | Should -Be $changed -Because 'what -WhatIf names is what the real run changes'
            $refused.FullyQualifiedErrorId | Should -Be 'UnregisterNssModuleFirefoxRunning,SmartCardPS.Commands.UnregisterNssModuleCommand'
        }
        finally {
            Stop-TestProfileLock $holder
            $env:HOME = $saved
        }
    }

    It 'completes profile names and the NSS module names of the profiles named (issue 23, item 18)' {
        $saved = $env:HOME
        $env:HOME = New-TestDirectory 'home'
        $Dirs.Add($env:HOME)
        try {
            $root = New-Item -ItemType Directory "$env:HOME/.mozilla/firefox"
            "[Profile0]`nName=work`nIsRelative=1`nPath=w`n`n[Profile1]`nName=Bob`u{2019}s`nIsRelative=1`nPath=b`n" | Set-Content "$root/profiles.ini"
            New-Item -ItemType Directory "$root/w", "$root/b" | Out-Null
            Register-NssModule -Profile work -ModulePath $SoftHsmLibrary -Name 'Soft HSM' | Out-Null
            Register-NssModule -Profile "Bob`u{2019}s" -ModulePath $OpenScLibraryPath -Name 'OpenSC' | Out-Null
            foreach ($line in 'Get-FirefoxProfile -Name ', 'Register-NssModule -Profile ') {
                $matches = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches)
                $matches.ListItemText | Should -Be @("Bob`u{2019}s", 'work') -Because $line
                foreach ($m in $matches) { @(Invoke-Expression "Get-FirefoxProfile -Name $($m.CompletionText)").Name | Should -Be $m.ListItemText }
            }
            $line = 'Unregister-NssModule -Profile work -Name '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.ListItemText | Should -Contain 'Soft HSM'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.ListItemText | Should -Not -Contain 'OpenSC'
            $line = 'Get-NssModule -Name Op'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "'OpenSC'"
        } finally {
            $env:HOME = $saved
        }
    }
}

Describe 'Get-NssModule' -Skip:$NssToolsMissing {
    It 'emits objects that survive ConvertTo-Json' {
        $db = New-Db
        Register-NssModule -Name Soft -ModulePath $SoftHsmLibrary -NssDatabase $db | Out-Null
        $json = Get-NssModule -NssDatabase $db | ConvertTo-Json | ConvertFrom-Json
        $json[1].Name | Should -Be 'Soft'
        $json[0].Flags | Should -Be @('internal', 'critical')
    }
}
