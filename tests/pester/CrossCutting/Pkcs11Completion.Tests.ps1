# Tab on Get-Pkcs11Object -Label and on the token cmdlets' -Uri (issue 23, item 18): real labels and URIs from
# SoftHSM tokens, quoted so that the completed text, when run, names exactly that object or token.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:Awkward = "Tom$([char]0x2019)s [HSM]"
    $script:State = Start-TestObjectToken -Label 'Objects' -Extra $Awkward
    if ($State) {
        $script:Token = $State.Token
        $script:SecurePin = ConvertTo-SecureString $ObjectPin -AsPlainText -Force
        # Public data objects whose labels a completion must quote and escape: a pattern character, a bracket
        # class, typographic and straight quotes; each with a twin the unescaped text would also match.
        $data = Join-Path $State.Scratch 'awkward.bin'
        [IO.File]::WriteAllBytes($data, [byte[]](1..8))
        $script:Labels = 'star*', 'starry', 'br[a]ck', 'brack', "Bob$([char]0x2019)s key", "it's $([char]0x201D)quoted$([char]0x201D)"
        foreach ($label in $Labels) {
            Invoke-TestTool pkcs11-tool --module ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) --token-label Objects `
                --login --pin $ObjectPin --write-object $data --type data --label $label | Out-Null
        }
        # Every token of every module, so the token completions start from today's listing.
        Get-Pkcs11Token | Out-Null
    }

    function Get-Completion([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }

    # Tab in a runspace of its own, where no Get-Pkcs11Object has run and nothing can prompt.
    function Get-FreshCompletion([string] $Line) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; (TabExpansion2 -inputScript `$args[0] -cursorColumn `$args[0].Length).CompletionMatches").AddArgument($Line)
            $run = $ps.BeginInvoke()
            # A hang guard, not a timing: completion that waited for a prompt or a module would never return.
            $run.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(60)) | Should -BeTrue -Because 'completion must not wait for a module or a PIN'
            $ps.EndInvoke($run)
            $ps.Streams.Error | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Tab on Get-Pkcs11Object -Label' -Skip:$NoFixture {
    It 'offers the public labels of the tokens before any listing, without logging in or loading a user-writable library' {
        # A second module that anyone can replace: completion runs no code from such a place.
        $shim = New-TestPkcs11Shim
        if ($shim) {
            & chmod 0777 $shim.Directory
            $config = Set-TestModuleConfig $SystemModuleDir 'writable' "module: $($shim.LibraryPath)`n"
        }
        try {
            # The first Tab may answer before the background listing is done; the listing then completes the next.
            Get-FreshCompletion 'Get-Pkcs11Object -Label ' | Out-Null
            Wait-CompletionRefresh 'ObjectLabelCompleter' 'PublicObjects'
            $offered = @(Get-FreshCompletion 'Get-Pkcs11Object -Label ').ListItemText
            foreach ($label in @('leaf 100%', 'CA cert; #1 ü', 'data "obj"') + $Labels) { $offered | Should -Contain $label }
            $offered | Should -Not -Contain 'private data' -Because 'completion never logs in'
            if ($shim) { $shim.Log | Should -BeNullOrEmpty -Because 'a library anyone can write is never loaded by completion' }
        }
        finally {
            if ($shim) { Remove-Item $config; $shim.Dispose() }
        }
    }

    It 'runs no code from a library its user can change, while the same user''s Get-Pkcs11Object does load it' {
        if (-not (Get-Command gcc -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $userHome = New-TestUserHome
        try {
            # A "module" in the user's own folder whose loading leaves a mark (its constructor runs at dlopen).
            $lib = Join-Path $userHome 'lib'
            New-Item -ItemType Directory $lib, (Join-Path $userHome '.config/pkcs11/modules') | Out-Null
            $mark = Join-Path $userHome 'loaded'
            Set-Content (Join-Path $lib 'mark.c') "#include <stdio.h>`n__attribute__((constructor)) static void mark(void) { FILE *f = fopen(`"$mark`", `"w`"); if (f) fclose(f); }`n"
            Invoke-TestTool gcc -shared -fPIC -o (Join-Path $lib 'libmark.so') (Join-Path $lib 'mark.c') | Out-Null
            Set-Content (Join-Path $userHome '.config/pkcs11/modules/mark.module') "module: $(Join-Path $lib 'libmark.so')"
            & chown -R "$($TestUid):$($TestUid)" $userHome
            $wait = "`$l = (Get-Command Get-Pkcs11Token).ImplementingType.Assembly.GetType('SmartCardPS.Completion.ObjectLabelCompleter').GetField('PublicObjects', [Reflection.BindingFlags]'NonPublic, Static').GetValue(`$null); " +
                "`$r = `$l.GetType().GetField('refreshing', [Reflection.BindingFlags]'NonPublic, Instance'); " +
                "`$c = [Diagnostics.Stopwatch]::StartNew(); while (`$null -ne `$r.GetValue(`$l) -and `$c.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 20 }; "
            $tab = "`$line = 'Get-Pkcs11Object -Label d'; `$null = TabExpansion2 -inputScript `$line -cursorColumn `$line.Length; "
            $out = Invoke-AsTestUser -HomeDir $userHome -Script ($tab + $wait + "'listed'")
            $out | Should -Be 'listed'
            Test-Path $mark | Should -BeFalse -Because 'Tab loads no library its user (or anyone but root) can change'
            Invoke-AsTestUser -HomeDir $userHome -Script 'Get-Pkcs11Object -ErrorAction SilentlyContinue | Out-Null' | Out-Null
            Test-Path $mark | Should -BeTrue -Because 'the test''s library is one that the user''s own listing loads'
        }
        finally {
            Remove-Item $userHome -Recurse -Force
            Remove-TestUserPwsh
        }
    }

    It 'offers the labels the last Get-Pkcs11Object saw: private ones after -Login, only certificates after -Type' {
        Get-Pkcs11Object -Token $Token -Login -Pin $SecurePin | Out-Null
        (Get-Completion 'Get-Pkcs11Object -Label priv').CompletionText | Should -Be "'private data'"
        Get-Pkcs11Object -Token $Token -Type Certificate | Out-Null
        @((Get-Completion 'Get-Pkcs11Object -Label ').ListItemText) | Should -Be @('CA cert; #1 ü', 'leaf 100%')
    }

    It 'completes each awkward label to text that, run, matches exactly that object' {
        Get-Pkcs11Object -Token $Token | Out-Null
        foreach ($label in $Labels) {
            $match = @(Get-Completion "Get-Pkcs11Object -Label $($label.Substring(0, 2))") | Where-Object ListItemText -CEQ $label
            $match.Count | Should -Be 1 -Because "$label is offered"
            $found = @(& ([scriptblock]::Create("Get-Pkcs11Object -Token Objects -Label $($match.CompletionText)")))
            $found.Count | Should -Be 1 -Because "$($match.CompletionText) names $label alone"
            $found[0].Label | Should -BeExactly $label
        }
    }

    It 'completes the exact -Label of Remove-Pkcs11Object and Set-Pkcs11Object unescaped, so it removes that object alone' {
        Get-Pkcs11Object -Token $Token | Out-Null
        foreach ($command in 'Set-Pkcs11Object', 'Remove-Pkcs11Object') {
            (Get-Completion "$command -Token Objects -Label star").CompletionText | Should -Be @("'star*'", "'starry'")
        }
        $text = (Get-Completion 'Remove-Pkcs11Object -Token Objects -Label star')[0].CompletionText
        & ([scriptblock]::Create("Remove-Pkcs11Object -Token Objects -Label $text -Pin `$SecurePin -Confirm:`$false"))
        $left = (Get-Pkcs11Object -Token $Token).Label
        $left | Should -Not -Contain 'star*'
        $left | Should -Contain 'starry'
    }
}

Describe 'Tab on -Uri' -Skip:$NoFixture {
    It 'offers the URIs of the present tokens, by URI or by label, quoted, for every cmdlet whose -Uri names a token' {
        $tom = Get-Pkcs11Token -Label ([Management.Automation.WildcardPattern]::Escape($Awkward))
        $commands = 'Get-Pkcs11Object', 'Get-Pkcs11Mechanism', 'Remove-Pkcs11Object', 'Set-Pkcs11Object', 'New-Pkcs11KeyPair',
            'Import-Pkcs11Object', 'Import-Pkcs11Certificate', 'Initialize-Pkcs11Token', 'Set-Pkcs11Pin', 'Reset-Pkcs11Pin',
            'Test-Pkcs11Key'
        foreach ($command in $commands) {
            (Get-Completion "$command -Uri pkcs11:token=Obj").CompletionText | Should -Be "'$($Token.Uri)'" -Because $command
            (Get-Completion "$command -Uri Tom").CompletionText | Should -Be "'$($tom.Uri)'" -Because $command
        }
        @((Get-Completion 'Get-Pkcs11Mechanism -Uri ').ListItemText) | Should -Contain $Token.Uri
        $text = (Get-Completion 'Get-Pkcs11Mechanism -Uri Tom').CompletionText
        $mechanisms = @(& ([scriptblock]::Create("Get-Pkcs11Mechanism -Uri $text")))
        $mechanisms.Count | Should -BeGreaterThan 0
        $mechanisms.Token | Sort-Object -Unique | Should -BeExactly $Awkward
        Wait-CompletionRefresh 'TokenLabelCompleter' 'Tokens'
    }

    It 'offers the listed objects'' URIs where -Uri names one certificate, key or private key, and they name it' {
        $leaf = Get-Pkcs11Object -Token $Token -Label 'leaf 100%'
        $listed = @(Get-Pkcs11Object -Token $Token -Login -Pin $SecurePin)
        $text = (Get-Completion 'Export-Pkcs11Certificate -Uri leaf').CompletionText
        $text | Should -Be "'$($leaf.Uri)'"
        & ([scriptblock]::Create("Export-Pkcs11Certificate -Uri $text")) | Should -Be $leaf.Pem
        Get-Completion 'Export-Pkcs11Certificate -Uri pkcs11:object=RSA' | Should -BeNullOrEmpty -Because 'a key is no certificate'
        $private = $listed | Where-Object { $_.Label -eq 'RSA key/é;x' -and $_.Class -eq 'PrivateKey' }
        (Get-Completion 'New-Pkcs11CertificateRequest -Uri RSA').CompletionText | Should -Be "'$($private.Uri)'"
        # Test-Pkcs11Key's -Uri names private keys or tokens: it offers both.
        $text = (Get-Completion 'Test-Pkcs11Key -Uri RSA').CompletionText
        $text | Should -Be "'$($private.Uri)'"
        $tested = @(& ([scriptblock]::Create("Test-Pkcs11Key -Uri $text -Pin `$SecurePin")))
        $tested.Status | Sort-Object -Unique | Should -Be Pass
        $tested.KeyUri | Sort-Object -Unique | Should -Be $private.Uri
        $keys = @(Get-Completion 'Export-Pkcs11PublicKey -Uri "EC key').ListItemText
        $keys | Should -Be @($listed | Where-Object Label -EQ 'EC key?a=b&c' | ForEach-Object Uri | Sort-Object)
        Get-Completion 'Export-Pkcs11PublicKey -Uri data' | Should -BeNullOrEmpty -Because 'a data object is no key'
    }
}
