BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:DebianConf = "app default {`n`t# debug = 3;`n`tframework pkcs15 {`n`t`t# use_file_caching = public;`n`t}`n}`n"
    function Get-OpenScPinPadLog([string] $Path) {
        $env:OPENSC_CONF = $Path
        try { $log = (& opensc-tool -l 2>&1) -join "`n" } finally { Remove-Item Env:OPENSC_CONF }
        if ($log -match 'PC/SC options: .*enable_pinpad=(\d)') { [int]$Matches[1] } else { throw "opensc-tool logged no PC/SC options: $log" }
    }
}

Describe 'Get-OpenScConfiguration and Set-OpenScConfiguration' {
    BeforeEach {
        $script:Conf = Join-Path $TestDrive 'opensc.conf'
        Set-Content -Path $Conf -Value $DebianConf -NoNewline
        & chmod 0640 $Conf
    }

    It 'reads OpenSC defaults from a file that sets nothing, and OPENSC_CONF names the file' {
        $env:OPENSC_CONF = $Conf
        try { $c = Get-OpenScConfiguration } finally { Remove-Item Env:OPENSC_CONF }
        $c.Path | Should -Be $Conf
        $c.Exists | Should -BeTrue
        $c.EnablePinPad | Should -BeTrue
        $c.EnablePinPadSet | Should -BeFalse
        $c.Debug | Should -Be 0
    }

    It 'sets enable_pinpad as OpenSC reads it, keeping comments and the file mode' {
        $c = Set-OpenScConfiguration -Path $Conf -EnablePinPad $false -DebugLevel 3 -DebugFile stderr -PassThru
        $c.EnablePinPad | Should -BeFalse
        $c.Debug | Should -Be 3
        Get-OpenScPinPadLog $Conf | Should -Be 0
        $env:OPENSC_CONF = $Conf
        try { (& opensc-tool -G app:default:debug_file 2>$null) | Should -Be 'stderr' } finally { Remove-Item Env:OPENSC_CONF }
        $text = Get-Content $Conf -Raw
        $text | Should -BeLike "*`t# debug = 3;*"
        $text | Should -BeLike "*# use_file_caching = public;*"
        (& stat -c '%a' $Conf) | Should -Be '640'
        Set-OpenScConfiguration -Path $Conf -EnablePinPad $true
        Get-OpenScPinPadLog $Conf | Should -Be 1
        (Get-Content $Conf -Raw) | Should -Be ($text -replace 'enable_pinpad = false', 'enable_pinpad = true')
    }

    It 'writes nothing with -WhatIf' {
        Set-OpenScConfiguration -Path $Conf -EnablePinPad $false -WhatIf
        Get-Content $Conf -Raw | Should -Be $DebianConf
    }

    It 'creates a missing file with -Create' {
        $new = Join-Path $TestDrive 'new.conf'
        Set-OpenScConfiguration -Path $new -EnablePinPad $false -Create
        (Get-OpenScConfiguration -Path $new).EnablePinPad | Should -BeFalse
        (& stat -c '%a' $new) | Should -Be '644'
    }

    It 'refuses a malformed file with its line and leaves it as it was' {
        $bad = "app default {`n  reader_driver pcsc {`n    enable_pinpad = true`n  }`n}`n"
        Set-Content -Path $Conf -Value $bad -NoNewline
        { Set-OpenScConfiguration -Path $Conf -EnablePinPad $false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetOpenScConfigurationInvalidFile,SmartCardPS.Commands.SetOpenScConfigurationCommand' -ExpectedMessage '*line 3*'
        { Get-OpenScConfiguration -Path $Conf -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetOpenScConfigurationInvalidFile,SmartCardPS.Commands.GetOpenScConfigurationCommand'
        Get-Content $Conf -Raw | Should -Be $bad
    }

    It 'refuses a -Path that does not exist unless -Create, and Get- says the file is missing (issue 23, item 2)' {
        Push-Location $TestDrive
        try {
            $err = { Set-OpenScConfiguration ./nothere.conf -EnablePinPad $false -ErrorAction Stop } |
                Should -Throw -ErrorId 'SetOpenScConfigurationNotFound,SmartCardPS.Commands.SetOpenScConfigurationCommand' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.Exception.Message | Should -BeLike "*$TestDrive/nothere.conf does not exist; nothing was written*-Create*"
            Test-Path ./nothere.conf | Should -BeFalse
            { Get-OpenScConfiguration ./nothere.conf -ErrorAction Stop } |
                Should -Throw -ErrorId 'GetOpenScConfigurationNotFound,SmartCardPS.Commands.GetOpenScConfigurationCommand' -ExpectedMessage "*$TestDrive/nothere.conf does not exist*"
        }
        finally { Pop-Location }
        # The file OpenSC would read (OPENSC_CONF here) may be missing: OpenSC then uses its defaults, and Get- says so.
        $env:OPENSC_CONF = Join-Path $TestDrive 'missing.conf'
        try { $c = Get-OpenScConfiguration -WarningVariable warnings -WarningAction SilentlyContinue } finally { Remove-Item Env:OPENSC_CONF }
        $c.Exists | Should -BeFalse
        $c.EnablePinPad | Should -BeTrue
        "$warnings" | Should -BeLike "*$TestDrive/missing.conf does not exist*OpenSC uses its built-in defaults*"
    }

    It 'says only Set- leaves a malformed file unchanged, since Get- changes nothing (issue 23, item 2)' {
        Set-Content -Path $Conf -Value "app default {`n  reader_driver pcsc {`n    enable_pinpad = true`n  }`n}`n" -NoNewline
        $err = { Get-OpenScConfiguration -Path $Conf -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike '*line 3*Fix the file by hand*'
        $err.Exception.Message | Should -Not -BeLike '*changed*'
        { Set-OpenScConfiguration -Path $Conf -EnablePinPad $false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*line 3*it was not changed*'
    }

    It 'shows the file and PIN pad setting in the default view' {
        $out = Get-OpenScConfiguration -Path $Conf | Out-String -Width 80
        $out | Should -BeLike "*EnablePinPad*"
        $out | Should -BeLike "*$Conf*"
    }
}
