# Issue 8, defect 6: a smartcard_list.txt that is empty (ATR_analysis leaves one when its download fails), that has no
# ATR entries (/etc/passwd) or that is a directory is named in one warning per session, and the next location is used.
BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-atrdb-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $Scratch | Out-Null
    $script:Atr = '3B 95 13 81 01 80 73 FF 01 00 0B'
    $script:Empty = Join-Path $Scratch 'empty.txt'
    New-Item -ItemType File $Empty | Out-Null
    $script:Folder = Join-Path $Scratch 'folder'
    New-Item -ItemType Directory $Folder | Out-Null
    $script:NotADatabase = Join-Path $Scratch 'passwd'
    Copy-Item /etc/passwd $NotADatabase
    $script:Good = Join-Path $Scratch 'smartcard_list.txt'
    Set-Content $Good "# test list`n3B 95 13 81 01 80 73 FF 01 00 0B`n`tThe test card`n"
    $script:Manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'

    # A new pwsh: the warnings come once per session.
    function Invoke-Session([string] $Script) {
        $json = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$Manifest'; $Script" 2>&1
        $json | Out-String | ConvertFrom-Json
    }
}

AfterAll { Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Problems with smartcard_list.txt' {
    It 'warns once about an empty file, a directory and a file without ATR entries, and names cards from the next location' {
        $search = $Empty, $Folder, $NotADatabase, $Good -join [IO.Path]::PathSeparator
        $result = Invoke-Session @"
`$env:SMARTCARDPS_ATR_DATABASE = '$search'
`$first = ConvertFrom-Atr '$Atr' -WarningVariable w1 -WarningAction SilentlyContinue
`$second = ConvertFrom-Atr '$Atr' -WarningVariable w2 -WarningAction SilentlyContinue
@{ First = `$first.CardName; Second = `$second.CardName; Warnings1 = @(`$w1 | ForEach-Object Message); Warnings2 = @(`$w2 | ForEach-Object Message) } | ConvertTo-Json
"@
        $result.First | Should -Be 'The test card'
        $result.Second | Should -Be 'The test card'
        $result.Warnings1.Count | Should -Be 3
        $result.Warnings1[0] | Should -BeLike "*'$Empty' is empty*"
        $result.Warnings1[1] | Should -BeLike "*'$Folder' is a directory*"
        $result.Warnings1[2] | Should -BeLike "*'$NotADatabase' has no ATR entries*"
        $result.Warnings2.Count | Should -Be 0
    }

    It 'writes the warnings of a fresh session before its first error and its first output, and with no input at all' {
        # The first command of a session loads the file in the background while it parses: nothing may overtake the warnings.
        $search = $Empty, $Good -join [IO.Path]::PathSeparator
        $result = Invoke-Session @"
`$env:SMARTCARDPS_ATR_DATABASE = '$search'
`$records = @('3B 0', '$Atr' | ConvertFrom-Atr 3>&1 2>&1)
`$kinds = @(`$records | ForEach-Object { if (`$_ -is [System.Management.Automation.WarningRecord]) { 'warning' } elseif (`$_ -is [System.Management.Automation.ErrorRecord]) { 'error' } else { `$_.CardName } })
`$none = @(@() | ConvertFrom-Atr -DatabasePath '$NotADatabase' 3>&1 | ForEach-Object Message)
@{ Kinds = `$kinds; None = `$none } | ConvertTo-Json
"@
        $result.Kinds | Should -Be @('warning', 'error', 'The test card')
        $result.None.Count | Should -Be 1
        $result.None[0] | Should -BeLike "*'$NotADatabase' has no ATR entries*"
    }

    It 'warns that -DatabasePath names a file without ATR entries' {
        $result = Invoke-Session "`$r = ConvertFrom-Atr '$Atr' -DatabasePath '$NotADatabase' -WarningVariable w -WarningAction SilentlyContinue; @{ Name = `$r.CardName; Warnings = @(`$w | ForEach-Object Message) } | ConvertTo-Json"
        $result.Name | Should -BeNullOrEmpty
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0] | Should -BeLike "*'$NotADatabase' has no ATR entries*"
    }

    It 'says that -DatabasePath names a directory' {
        { ConvertFrom-Atr $Atr -DatabasePath $Folder -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConvertFromAtrDatabaseIsDirectory,SmartCardPS.Commands.ConvertFromAtrCommand' -ExpectedMessage "*'$Folder' is a directory*"
    }
}
