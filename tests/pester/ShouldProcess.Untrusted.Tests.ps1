# What -WhatIf and -Confirm print quotes untrusted text (paths, names, values, config file content) with control, bidi
# and invisible characters escaped, as every other message does: a path with an ESC sequence, a newline or U+202E
# must not rewrite the terminal or reorder what a person reads before confirming.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot 'NssCommon.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot 'NssCommon.ps1')
    # ESC [2J (clear screen), BEL, a newline and RIGHT-TO-LEFT OVERRIDE, and how messages must show them.
    $script:Evil = "`e[2J`a`n`u{202E}"
    $script:Shown = '\x1B[2J\x07\x0A\u202E'
    # Within one line, for file content: ESC, BEL, U+202E, U+200B; and for NSS names, which refuse control characters.
    $script:EvilLine = "`e[2J`a`u{202E}`u{200B}"
    $script:ShownLine = '\x1B[2J\x07\u202E\u200B'
    $script:EvilName = "Smart`u{202E}draC`u{200B}"
    $script:ShownName = "'Smart\u202EdraC\u200B'"
    $script:Scratch = New-TestDirectory 'whatif'
    $script:EvilDir = Join-Path $Scratch "dir$Evil"
    New-Item -ItemType Directory $EvilDir | Out-Null
    $script:Hsm = Start-TestSoftHsm -Label 'WhatIf HSM'
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
    Clear-TestRegistry
}

Describe 'ShouldProcess texts of the p11-kit cmdlets' -Skip:$NoFixture {
    BeforeEach { Clear-TestRegistry }

    It 'Register-OpenScModule -Path escapes the config file path' {
        $path = Join-Path $EvilDir 'opensc.module'
        $text = Get-WhatIfText { Register-OpenScModule -Path $path -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/opensc.module"
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'Register-Pkcs11Module escapes the library path' {
        $link = Join-Path $EvilDir 'libsofthsm2.so'
        New-Item -ItemType SymbolicLink -Path $link -Target ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) -Force | Out-Null
        $text = Get-WhatIfText { Register-Pkcs11Module -Name my-hsm -ModulePath $link -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/libsofthsm2.so"
    }

    It 'Unregister-Pkcs11Module escapes the module: line read from the config file' {
        Set-TestModuleConfig $SystemModuleDir 'evil' "module: /opt/lib$EvilLine.so`n" | Out-Null
        $text = Get-WhatIfText { Unregister-Pkcs11Module -Name evil -WhatIf } $Scratch
        Assert-EscapedText $text "/opt/lib$ShownLine.so"
    }

    It 'Unregister-OpenScModule -Path escapes the config file path' {
        New-Item -ItemType Directory (Join-Path $EvilDir 'modules') -Force | Out-Null
        $path = Join-Path $EvilDir 'modules/opensc.module'
        [IO.File]::WriteAllText($path, "module: opensc-pkcs11.so`n")
        $text = Get-WhatIfText { Unregister-OpenScModule -Path $path -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/modules/opensc.module"
        Test-Path -LiteralPath $path | Should -BeTrue
    }
}

Describe 'ShouldProcess texts of the NSS and Firefox cmdlets' -Skip:$NssToolsMissing {
    BeforeAll {
        $script:Db = Join-Path $EvilDir 'nssdb'
        New-Item -ItemType Directory $Db | Out-Null
        & certutil -N --empty-password -d "sql:$Db"
        if ($LASTEXITCODE) { throw "certutil -N failed in $Db" }
        # pkcs11.txt cannot hold a control character, so the library's directory holds the invisible ones alone.
        $libDir = Join-Path $Scratch "lib`u{202E}`u{200B}"
        New-Item -ItemType Directory $libDir | Out-Null
        $script:EvilLibrary = Join-Path $libDir 'opensc-pkcs11.so'
        $script:ShownLibrary = 'lib\u202E\u200B/opensc-pkcs11.so'
        New-Item -ItemType SymbolicLink -Path $EvilLibrary -Target $OpenScLibraryPath -Force | Out-Null
    }

    It 'Register-NssModule escapes the module name, the library and the database directory' {
        $text = Get-WhatIfText { Register-NssModule -Name $EvilName -ModulePath $EvilLibrary -NssDatabase $Db -WhatIf } $Scratch
        Assert-EscapedText $text $ShownName, $ShownLibrary, "dir$Shown/nssdb"
    }

    It 'Unregister-NssModule escapes the module name, its library and the database directory' {
        Register-NssModule -Name $EvilName -ModulePath $EvilLibrary -NssDatabase $Db | Out-Null
        $text = Get-WhatIfText { Unregister-NssModule -Name $EvilName -NssDatabase $Db -WhatIf } $Scratch
        Assert-EscapedText $text $ShownName, $ShownLibrary, "dir$Shown/nssdb"
        (Get-NssModule -NssDatabase $Db).Name | Should -Contain $EvilName
    }

    It 'Set-FirefoxSecurityDevicePolicy escapes the device name, its library and the policies.json path' {
        $policy = Join-Path $EvilDir 'policies.json'
        $text = Get-WhatIfText { Set-FirefoxSecurityDevicePolicy -Name $EvilName -ModulePath $EvilLibrary -PolicyPath $policy -WhatIf } $Scratch
        Assert-EscapedText $text $ShownName, $ShownLibrary, "dir$Shown/policies.json"
        Test-Path -LiteralPath $policy | Should -BeFalse
    }
}

Describe 'ShouldProcess texts of the configuration and card cmdlets' {
    It 'Set-OpenScConfiguration escapes the file path and the values' {
        $conf = Join-Path $EvilDir 'opensc.conf'
        $text = Get-WhatIfText { Set-OpenScConfiguration -Path $conf -DebugFile "/tmp/log`e[31m`u{202E}" -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/opensc.conf", '/tmp/log\x1B[31m\u202E'
        Test-Path -LiteralPath $conf | Should -BeFalse
    }

    It 'New-SmartCardUdevRule escapes the rules directory' {
        $text = Get-WhatIfText { New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -RulesDirectory $EvilDir -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/98-smargo.rules"
    }

    It 'Connect-SmartCard escapes the reader name' {
        $text = Get-WhatIfText { Connect-SmartCard -Reader "Reader$Evil" -WhatIf } $Scratch
        Assert-EscapedText $text "Reader$Shown"
    }

    It 'Send-SmartCardApdu escapes the reader name and the script path' {
        $text = Get-WhatIfText { Send-SmartCardApdu '00 A4 04 00' -Reader "Reader$Evil" -WhatIf } $Scratch
        Assert-EscapedText $text "Reader$Shown"
        $script = Join-Path $EvilDir 'select.apdu'
        [IO.File]::WriteAllText($script, "00 A4 04 00`n")
        $text = Get-WhatIfText { Send-SmartCardApdu -ScriptPath $script -Reader "Reader$Evil" -WhatIf } $Scratch
        Assert-EscapedText $text "Reader$Shown", "dir$Shown/select.apdu"
    }
}
