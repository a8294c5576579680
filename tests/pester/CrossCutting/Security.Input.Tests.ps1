# Issue 19, findings 7 and 9 (tag Security): hostile input must neither reach a config file nor leak a PIN.
# Every (cmdlet, parameter) whose value is written into a config file is one row of the first table: a new writer is
# covered by adding its rows. Every cmdlet that takes a pkcs11: URI is one row of the second.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)

    # Id: the error's reason (the id is Verb+Noun+Reason). A ValidateSet refuses most control characters while binding,
    # where PowerShell quotes the argument itself; but it compares as the culture does, which ignores some (ESC, NEL):
    # "tt`ey" passes as tty. Those reach the cmdlet, whose own check must refuse them.
    $script:Writers = @(
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'Name'; Good = 'u4'; Id = 'ControlCharacter' }
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'VendorId'; Good = '0403'; Id = 'ControlCharacter' }
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'ProductId'; Good = '6001'; Id = 'ControlCharacter' }
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'Serial'; Good = 'A1B2C3'; Id = 'ControlCharacter' }
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'Group'; Good = 'video'; Id = 'ControlCharacter' }
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'Mode'; Good = '0660'; Id = 'ControlCharacter' }
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'Symlink'; Good = 'smargo'; Id = 'ControlCharacter' }
        @{ Command = 'New-SmartCardUdevRule'; Parameter = 'Subsystem'; Good = 'tty'; Id = 'ControlCharacter'; ValidateSet = $true }
        @{ Command = 'Set-OpenScConfiguration'; Parameter = 'DebugFile'; Good = '/tmp/opensc.log'; Id = 'ControlCharacter' }
        @{ Command = 'Set-OpenScConfiguration'; Parameter = 'DisconnectAction'; Good = 'reset'; Id = 'ControlCharacter'; ValidateSet = $true }
        @{ Command = 'Register-NssModule'; Parameter = 'Name'; Good = 'Security'; Id = 'InvalidName' }
        @{ Command = 'Register-NssModule'; Parameter = 'ModulePath'; Good = $SoftHsmLibrary; Id = 'InvalidPath' }
        @{ Command = 'Set-FirefoxSecurityDevicePolicy'; Parameter = 'Name'; Good = 'Security'; Id = 'ControlCharacter' }
        @{ Command = 'Set-FirefoxSecurityDevicePolicy'; Parameter = 'ModulePath'; Good = $SoftHsmLibrary; Id = 'ControlCharacter' }
    )
    # A trailing newline (what .NET's $ let through), an escape in the middle, NEL and U+2028 (line ends for some readers).
    $script:Hostile = @(
        @{ Why = 'a trailing newline'; Suffix = "`n"; Middle = ''; Escaped = '\x0A' }
        @{ Why = 'an embedded ESC'; Suffix = ''; Middle = "`e"; Escaped = '\x1B' }
        @{ Why = 'an embedded NEL'; Suffix = ''; Middle = "`u{85}"; Escaped = '\x85' }
        @{ Why = 'a trailing U+2028'; Suffix = "`u{2028}"; Middle = ''; Escaped = '\u2028' }
    )
    $script:WriterCases = foreach ($w in $Writers) { foreach ($h in $Hostile) { $w + $h } }

    $script:UriCommands = 'Get-Pkcs11Object', 'Get-Pkcs11Mechanism', 'Export-Pkcs11Certificate', 'New-Pkcs11KeyPair', 'Export-Pkcs11PublicKey', 'New-Pkcs11CertificateRequest', 'Test-Pkcs11Key'
    $script:Uris = @(
        @{ Why = 'pin-value in the path'; Uri = 'pkcs11:token=nosuch;pin-value=S3cr3tPin' }
        @{ Why = 'pin-value in the query'; Uri = 'pkcs11:token=nosuch?pin-value=S3cr3tPin' }
        @{ Why = 'a percent-encoded pin-value'; Uri = 'pkcs11:token=nosuch?pin-value=S3cr%33tPin' }
        @{ Why = 'a malformed URI (bad escape)'; Uri = 'pkcs11:token=no%zz?pin-value=S3cr3tPin' }
        @{ Why = 'a malformed URI (bad character in the PIN)'; Uri = 'pkcs11:token=nosuch?pin-value=S3cr3tPin;x' }
        @{ Why = 'a duplicate pin-value'; Uri = 'pkcs11:token=nosuch?pin-value=S3cr3tPin&pin-value=S3cr3tPin' }
        @{ Why = 'not a pkcs11: URI'; Uri = 'pkcs12:token=nosuch?pin-value=S3cr3tPin' }
        @{ Why = 'the real token and a wrong PIN'; Uri = 'pkcs11:token=Security?pin-value=S3cr3tPin' }
    )
    # Given without -Uri, a URI binds to -Token (the default set) as a label, and its not-found error must not show it either.
    $script:UriCases = foreach ($c in $UriCommands) {
        foreach ($u in $Uris) { @{ Command = $c; Positional = $false; How = '-Uri' } + $u }
        if ($c -ne 'Export-Pkcs11Certificate') { @{ Command = $c; Positional = $true; How = 'a positional URI'; Why = 'pin-value in the path'; Uri = 'pkcs11:token=nosuch;pin-value=S3cr3tPin' } }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')

    # Every file under $Directory with its content's hash, so "nothing was created or changed" is one comparison.
    function Get-DirectoryState([string] $Directory) {
        @(Get-ChildItem -LiteralPath $Directory -Recurse -Force -File | Sort-Object FullName |
            ForEach-Object { "$($_.FullName) $((Get-FileHash -LiteralPath $_.FullName).Hash)" }) -join "`n"
    }
}

Describe 'Values written into config files refuse control characters' -Tag Security {
    BeforeAll {
        $script:Scratch = New-TestDirectory 'security-input'
        $script:NssDb = if (-not $NssToolsMissing) { New-TestNssDatabase }
        # What each cmdlet needs besides the hostile value; every file it could write lies under $Scratch or $NssDb.
        $script:Base = @{
            'New-SmartCardUdevRule' = @{ Name = 'u4'; VendorId = '0403'; ProductId = '6001'; Serial = 'A1B2C3'; RulesDirectory = (Join-Path $Scratch 'rules.d') }
            'Set-OpenScConfiguration' = @{ Path = (Join-Path $Scratch 'opensc.conf'); EnablePinPad = $false }
            'Register-NssModule' = @{ Name = 'Security'; ModulePath = $SoftHsmLibrary; NssDatabase = $NssDb }
            'Set-FirefoxSecurityDevicePolicy' = @{ Name = 'Security'; ModulePath = $SoftHsmLibrary; PolicyPath = (Join-Path $Scratch 'policies.json') }
        }
        Set-Content -Path (Join-Path $Scratch 'opensc.conf') -Value "app default {`n}`n" -NoNewline
    }
    AfterAll {
        Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
        if ($NssDb) { Remove-Item $NssDb -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It '<Command> -<Parameter> with <Why> is refused with <Id>, the character escaped, and no file touched' -ForEach $WriterCases {
        if ($Command -eq 'Register-NssModule') { Assert-TestDependency (-not $NssToolsMissing) 'certutil and modutil (libnss3-tools)' }
        $parameters = $Base[$Command].Clone()
        $parameters[$Parameter] = $Good.Substring(0, [Math]::Ceiling($Good.Length / 2)) + $Middle + $Good.Substring([Math]::Ceiling($Good.Length / 2)) + $Suffix
        $dirs = @($Scratch) + @($NssDb | Where-Object { $_ })
        $before = $dirs | ForEach-Object { Get-DirectoryState $_ }
        $record = $null
        try { & $Command @parameters -ErrorAction Stop -WarningAction SilentlyContinue | Out-Null }
        catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty -Because 'the value must be refused'
        $dirs | ForEach-Object { Get-DirectoryState $_ } | Should -Be $before
        if ($ValidateSet -and $record.FullyQualifiedErrorId -like 'ParameterArgumentValidationError,*') { return }
        $noun = $Command -replace '-', ''
        $record.FullyQualifiedErrorId | Should -Be "$noun$Id,SmartCardPS.Commands.$($noun)Command"
        $record.Exception.Message | Should -BeLike "*-$Parameter*"
        Assert-EscapedText $record.Exception.Message $Escaped
    }

    It 'never creates a udev rules file whose name holds a newline' {
        $dir = Join-Path $Scratch 'rules.d'
        { New-SmartCardUdevRule -Name "u4`n" -VendorId 0403 -ProductId 6001 -Serial A1 -RulesDirectory $dir -ErrorAction Stop } | Should -Throw
        @(Get-ChildItem -LiteralPath $Scratch -Recurse -Force | Where-Object Name -Match '[\x00-\x1F]') | Should -BeNullOrEmpty
    }
}

Describe 'A pin-value given in a pkcs11: URI never shows' -Tag Security -Skip:$NoFixture {
    BeforeAll {
        $script:Hsm = Start-TestSoftHsm -Label 'Security'
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        # Everything a caller or a log could see of a run: each record of every stream, errors with their message,
        # details, target (as a string), category and the messages of every inner exception; output objects whole.
        function Get-VisibleText([object[]] $Records) {
            foreach ($r in $Records) {
                if ($r -is [Management.Automation.ErrorRecord]) {
                    "$r"; "$($r.ErrorDetails)"; "$($r.TargetObject)"; "$($r.CategoryInfo)"; $r.FullyQualifiedErrorId
                    for ($e = $r.Exception; $e; $e = $e.InnerException) { $e.Message }
                }
                elseif ($r -is [string] -or $r -is [Management.Automation.InformationalRecord]) { "$r" }
                else { $r | Format-List * | Out-String }
            }
        }
    }
    AfterAll {
        if ($Hsm) { $Hsm.Dispose() }
        Clear-TestRegistry
    }

    It '<Command> <How> with <Why> keeps the PIN out of errors, verbose and debug text' -ForEach $UriCases {
        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $parameters = if ($Positional) { @{} } else { @{ Uri = $Uri } }
        if ($Command -eq 'Get-Pkcs11Object') { $parameters.Login = $true }
        if ($Command -eq 'New-Pkcs11CertificateRequest') { $parameters.Subject = 'CN=x' }
        $records = if ($Positional) { @(& $Command $Uri @parameters -ErrorAction Continue 4>&1 5>&1 2>&1) }
            else { @(& $Command @parameters -ErrorAction Continue 4>&1 5>&1 2>&1) }
        # Only Get-Pkcs11Mechanism succeeds with the real token: it lists its mechanisms, which must not carry the PIN either.
        if ($Uri -notlike '*token=Security*' -or $Command -ne 'Get-Pkcs11Mechanism') {
            @($records | Where-Object { $_ -is [Management.Automation.ErrorRecord] }) | Should -Not -BeNullOrEmpty
        }
        $text = (Get-VisibleText $records) -join "`n"
        $text | Should -Not -Match 'S3cr|%33tPin|3tPin'
        if ($Uri -like '*nosuch?pin-value=S3cr3tPin') { $text | Should -BeLike '*pin-value=`*`*`**' }
    }
}
