# Issue 8, defect 5: text from files, modules, tokens and the command line reaches messages with control characters
# escaped (\x1B) and long text cut, so a hostile config file cannot write escape sequences to the terminal.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-untrusted-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $Scratch | Out-Null

    function Assert-NoControlCharacter([string] $Text) {
        $Text | Should -Not -Match '[\x00-\x1F\x7F-\x9F]' -Because "messages must not carry raw control characters: $($Text -replace '[\x00-\x1F\x7F-\x9F]', '?')"
    }
}

AfterAll {
    Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
    Clear-TestRegistry
}

Describe 'Untrusted text in messages' -Skip:$NoFixture {
    BeforeEach { Clear-TestRegistry }

    It 'escapes a binary config file in the warning' {
        $bytes = [byte[]](0x1B, 0x5D, 0x30, 0x3B, 0x70, 0x77, 0x6E, 0x64, 0x07, 0x1B, 0x5B, 0x32, 0x4A, 0x00, 0xFF, 0x9B, 0x31, 0x6D, 0x0A)
        New-Item -ItemType Directory -Force $SystemModuleDir | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $SystemModuleDir 'garbage.module'), $bytes)
        Get-Pkcs11Module -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $warnings.Count | Should -Be 1
        Assert-NoControlCharacter $warnings[0].Message
        $warnings[0].Message | Should -BeLike '*\x1B]0;pwnd\x07\x1B`[2J*'
    }

    It 'escapes a module path from a config in the module error' {
        Set-TestModuleConfig $SystemModuleDir 'evil' "module: /nonexistent/`e[31mred`e[0m.so`n" | Out-Null
        Get-Pkcs11Module -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        Assert-NoControlCharacter $failures[0].Exception.Message
        $failures[0].Exception.Message | Should -BeLike '*/nonexistent/\x1B`[31mred\x1B`[0m.so*'
    }

    It 'escapes and cuts a label given on the command line' {
        $label = "`e`a" + ('x' * 5000)
        Get-Pkcs11Token -Label $label -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        Assert-NoControlCharacter $failures[0].Exception.Message
        $failures[0].Exception.Message | Should -BeLike '*\x1B\x07xxx*…*'
        $failures[0].Exception.Message.Length | Should -BeLessThan 500
    }

    It 'escapes a -Module value that names nothing' {
        Get-Pkcs11Token -Module "no`bsuch`r`nmodule" -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        Assert-NoControlCharacter $failures[0].Exception.Message
    }

    It 'escapes a pkcs11: URI that is not one' {
        Get-Pkcs11Mechanism -Uri "pkcs11:token=`e[5m" -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures | ForEach-Object { Assert-NoControlCharacter $_.Exception.Message }
    }

    It 'escapes an ATR argument that is not hex' {
        { ConvertFrom-Atr "3B `e[31m" -ErrorAction Stop } | Should -Throw
        $Error[0].Exception.Message | ForEach-Object { Assert-NoControlCharacter $_ }
    }
}
