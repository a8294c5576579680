BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
    $script:NoPcsc = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    # Between them the labels hold every printable ASCII character and multi-byte UTF-8, so the URIs are compared
    # with p11tool's for every character (a label is at most 32 bytes, hence several tokens).
    $script:Labels = 'First token', 'Zweites Token', 'Tök/#;%&=?',
        '!"#$%&''()*+,-./0123456789:;<=>', '?@ABCDEFGHIJKLMNOPQRSTUVWXYZ', '[\]^_` abcdefghijklmnopqrstu', 'vwxyz{|}~',
        'Ünïcødé ✓ 日本 🔑'
    $script:Hsm = Start-TestSoftHsm -Label $Labels
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'Get-Pkcs11Token' -Skip:$NoFixture {
    BeforeAll {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        Set-TestModuleConfig $PackageModuleDir 'p11-kit-trust' "module: p11-kit-trust.so`npriority: 1`ntrust-policy: yes`n" | Out-Null
    }

    It 'lists the tokens p11tool --list-tokens lists, field by field' {
        $ours = @(Get-Pkcs11Token)
        $theirs = @(Get-P11toolToken)
        $theirs.Count | Should -Be ($Labels.Count + 1)
        $printable = -join (32..126 | ForEach-Object { [char]$_ })
        foreach ($c in $printable.ToCharArray()) { ($Labels -join '').Contains($c) | Should -BeTrue -Because "'$c' must be in a label" }
        # p11tool leaves out SoftHSM's spare uninitialized token, and so do we: the same tokens in the same order.
        $ours.Uri | Should -Be $theirs.URL
        $initialized = $ours
        for ($i = 0; $i -lt $theirs.Count; $i++) {
            $t = $initialized[$i]
            $t.Uri | Should -BeExactly $theirs[$i].URL
            $t.Label | Should -BeExactly $theirs[$i].Label
            $t.Manufacturer | Should -BeExactly $theirs[$i].Manufacturer
            $t.Model | Should -BeExactly $theirs[$i].Model
            $t.SerialNumber | Should -BeExactly $theirs[$i].Serial
            ConvertTo-P11toolFlag $t.Flags | Should -BeExactly $theirs[$i].Flags
            $module = if ($theirs[$i].Module.StartsWith('/')) { $theirs[$i].Module } else { Join-Path $P11ModuleDir $theirs[$i].Module }
            $t.ModulePath | Should -Be $module
        }
        ($initialized | Where-Object Module -EQ 'softhsm2').Label | Sort-Object | Should -Be ($Labels | Sort-Object)
    }

    It 'gives the URI p11tool prints for a label that needs encoding' {
        $token = Get-Pkcs11Token -Label 'Tök/`#;%&=?'
        $token.Uri | Should -BeLike '*;token=T%C3%B6k%2F%23%3B%25%26%3D%3F'
        (Get-P11toolToken | Where-Object Label -EQ $Labels[2]).URL | Should -BeExactly $token.Uri
    }

    It 'reports slot, versions, PIN lengths and leaves out memory figures SoftHSM does not report' {
        $token = Get-Pkcs11Token -Label 'First token'
        $token.Module | Should -Be 'softhsm2'
        $token.SlotDescription | Should -Match '^SoftHSM slot ID 0x[0-9a-f]+$'
        $token.SlotDescription | Should -Be ('SoftHSM slot ID 0x{0:x}' -f $token.SlotId)
        $token.HardwareVersion | Should -Match '^\d+\.\d+$'
        $token.MinPinLength | Should -Be 4
        $token.MaxPinLength | Should -Be 255
        $token.TotalPublicMemory | Should -BeNullOrEmpty
        $token.Flags.ToString() | Should -Be 'RNG, LoginRequired, UserPinInitialized, RestoreKeyNotNeeded, TokenInitialized'
        $json = $token | ConvertTo-Json | ConvertFrom-Json
        $json.Uri | Should -Be $token.Uri
    }

    It 'agrees with pkcs11-tool -L on the SoftHSM slots' {
        $listing = (& pkcs11-tool --module ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) -L 2>$null) -join "`n"
        # pkcs11-tool -L lists every slot, the spare uninitialized token too: so does -IncludeEmptySlots.
        $ours = @(Get-Pkcs11Token -Module softhsm2 -IncludeEmptySlots)
        $ours.Count | Should -Be ($Labels.Count + 1)
        ([regex]::Matches($listing, '(?m)^Slot \d+ \(0x')).Count | Should -Be $ours.Count
        foreach ($t in $ours | Where-Object Label) {
            $listing | Should -Match ('\(0x{0:x}\): {1}' -f $t.SlotId, [regex]::Escape($t.SlotDescription))
            $listing | Should -Match ('token label\s+: {0}' -f [regex]::Escape($t.Label))
            $listing | Should -Match ('serial num\s+: {0}' -f $t.SerialNumber)
        }
    }

    It 'filters by label with wildcards, and reports a literal label that matches nothing' {
        (Get-Pkcs11Token -Label '*token').Label | Sort-Object | Should -Be 'First token', 'Zweites Token'
        { Get-Pkcs11Token -Label 'No such token' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11TokenNotFound,SmartCardPS.Commands.GetPkcs11TokenCommand'
    }

    It 'takes -Module as a registered name or a library path' {
        $byName = @(Get-Pkcs11Token -Module softhsm2)
        $byPath = @(Get-Pkcs11Token -Module ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath))
        $byPath.Uri | Should -Be $byName.Uri
        $byPath[0].Module | Should -Be 'softhsm2'
        @(Get-Pkcs11Token -Module p11-kit-trust.so).Label | Should -Be 'System Trust'
        { Get-Pkcs11Token -Module no-such-module -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11TokenModuleNotFound,SmartCardPS.Commands.GetPkcs11TokenCommand'
    }

    It 'lists a module once when -Module names it twice: by name, by its path and through a link to it' {
        $library = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
        $link = Join-Path $TestDrive 'link-to-softhsm2.so'
        New-Item -ItemType SymbolicLink -Path $link -Target $library | Out-Null
        $once = @(Get-Pkcs11Token -Module softhsm2)
        $tokens = @(Get-Pkcs11Token -Module softhsm2, $library, $link)
        $tokens.Uri | Should -Be $once.Uri
        @(Get-Pkcs11Token -Module $link, $library).Uri | Should -Be $once.Uri
        (Get-Pkcs11Token -Module $link, $library)[0].Module | Should -Be 'softhsm2'
    }

    It 'finalizes and unloads every module before it returns, also when the pipeline stops early' {
        $library = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
        function Test-Mapped { (Get-Content /proc/self/maps -Raw).Contains($library) }
        $during = Get-Pkcs11Token -Module softhsm2 | ForEach-Object { Test-Mapped } | Select-Object -First 1
        $during | Should -BeTrue
        Test-Mapped | Should -BeFalse
        $null = Get-Pkcs11Token -Label 'First token' | Get-Pkcs11Mechanism
        $null = Get-Pkcs11Module
        Test-Mapped | Should -BeFalse
        @(Get-Pkcs11Token -ErrorAction Stop).Count | Should -Be (Get-P11toolToken).Count
    }

    It 'takes modules from the pipeline' {
        $piped = @(Get-Pkcs11Module -Name softhsm2 | Get-Pkcs11Token)
        # SoftHSM's tokens and no other module's, with the URIs p11tool gives them, in its order.
        @($piped.Label | Sort-Object) | Should -Be @($Labels | Sort-Object)
        $piped.Module | Sort-Object -Unique | Should -Be 'softhsm2'
        $piped.Uri | Should -Be @(Get-P11toolToken | Where-Object Label -In $Labels).URL
    }

    Context 'with broken modules registered' {
        BeforeAll {
            # Not the SoftHSM fixture's directory: every user can write it, so root would refuse the library for that alone.
            $script:BrokenConfigs = (Set-TestBrokenModules $SystemModuleDir $TestDrive).Values
        }
        AfterAll {
            $BrokenConfigs | Remove-Item
        }

        It 'writes one error per broken module and still lists the working ones' {
            $ours = @(Get-Pkcs11Token -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs.Count | Should -Be 3
            $errs.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'GetPkcs11TokenModuleLoadFailed,SmartCardPS.Commands.GetPkcs11TokenCommand'
            ($errs.Exception.ModuleName | Sort-Object) | Should -Be 'broken-libz', 'broken-missing', 'broken-text'
            foreach ($e in $errs) { $e.Exception.Message | Should -BeLike "*$($e.Exception.ConfigFile)*" }
            ($ours | Where-Object Module -EQ softhsm2).Count | Should -Be $Labels.Count
            $ours.Uri | Should -Be (Get-P11toolToken).URL
        }
    }
}

Describe 'Get-Pkcs11Token with OpenSC and the virtual readers' -Skip:($NoFixture -or $NoPcsc) {
    BeforeAll {
        $script:Pcsc = Start-TestPcsc
        Clear-TestRegistry
        Set-TestModuleConfig $PackageModuleDir 'opensc-pkcs11' "module: opensc-pkcs11.so`n" | Out-Null
        # OpenSC probes a card it does not know with every card driver (14 s here); one driver that goes by the ATR
        # alone turns the unknown virtual card down at once, with the same result.
        # OpenSC reads OPENSC_CONF with getenv(), which does not see .NET's copy of the environment: set both.
        Add-Type -Namespace SmartCardPSTests -Name Libc -MemberDefinition '[DllImport("libc")] public static extern int setenv(string name, string value, int overwrite); [DllImport("libc")] public static extern int unsetenv(string name);'
        $script:OpenScConf = Join-Path $TestDrive 'opensc.conf'
        Set-Content $OpenScConf "app default {`n    card_drivers = cardos;`n}`n"
        $env:OPENSC_CONF = $OpenScConf
        [SmartCardPSTests.Libc]::setenv('OPENSC_CONF', $OpenScConf, 1) | Out-Null
        # A slot description holds 64 bytes: OpenSC cuts longer reader names to 61 and adds '...'.
        $script:SlotNames = $Pcsc.ReaderNames | ForEach-Object { if ($_.Length -le 64) { $_ } else { $_.Substring(0, 61) + '...' } }
    }
    AfterAll {
        if ($script:Pcsc) { $script:Pcsc.Dispose() }
        Remove-Item Env:OPENSC_CONF -ErrorAction SilentlyContinue
        [SmartCardPSTests.Libc]::unsetenv('OPENSC_CONF') | Out-Null
    }

    It 'lists one empty slot per reader with -IncludeEmptySlots, and no token without it' {
        $slots = @(Get-Pkcs11Token -Module opensc-pkcs11 -IncludeEmptySlots)
        $slots.SlotDescription | Should -Be $SlotNames
        $slots.TokenPresent | Should -Not -Contain $true
        foreach ($slot in $slots) { $slot.Uri | Should -Match ('^pkcs11:slot-description=.*;slot-id={0}$' -f $slot.SlotId) }
        $slots.TokenInitialized | Should -Not -Contain $true
        $slots[0].Module | Should -Be 'opensc-pkcs11'
        $slots[0].RemovableDevice | Should -BeTrue
        @(Get-Pkcs11Token -Module opensc-pkcs11) | Should -BeNullOrEmpty
    }

    It 'marks a card OpenSC does not recognise on its slot, and lists no token for it' {
        $Pcsc.Insert(0, '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A') | Out-Null
        try {
            $slots = @(Get-Pkcs11Token -Module opensc-pkcs11 -IncludeEmptySlots)
            $slots.SlotDescription | Should -Be $SlotNames
            $slots[0].TokenPresent | Should -BeTrue
            $slots[0].TokenError | Should -Be 'CKR_TOKEN_NOT_RECOGNIZED'
            $slots[0].Label | Should -BeNullOrEmpty
            $slots[1].TokenPresent | Should -BeFalse
            $slots[1].TokenError | Should -BeNullOrEmpty
        }
        finally {
            $Pcsc.Remove(0)
        }
    }
}
