# Eight runspaces provisioning eight tokens of one SoftHSM at once (re-initialise with both PINs, change the user PIN,
# import a certificate), as a fleet script with a runspace pool would: no failure, no crossed tokens, and p11tool then
# sees each token as its runspace left it.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:Labels = 1..8 | ForEach-Object { "Fleet $_" }
    $script:State = Start-TestProvisioning -Label $Labels
    if ($State) {
        $script:CertPem = Join-Path $State.Scratch 'fleet.pem'
        Invoke-TestTool openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout (Join-Path $State.Scratch 'fleet.key') -out $CertPem -subj '/CN=Fleet' -days 3 | Out-Null
        $script:Iss = [initialsessionstate]::CreateDefault2()
        $Iss.ImportPSModule((Join-Path $ModuleDir 'SmartCardPS.psd1'))
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Provisioning from eight runspaces at once' -Skip:$NoFixture {
    It 'initialises, re-PINs and fills eight tokens of one module without a failure or a crossed token' {
        $pool = [runspacefactory]::CreateRunspacePool(1, 8, $Iss, $Host)
        $pool.Open()
        $worker = {
            param($Old, $New, $CertPem)
            $ErrorActionPreference = 'Stop'
            $so = ConvertTo-SecureString 5678 -AsPlainText -Force
            $first = ConvertTo-SecureString 1111 -AsPlainText -Force
            $second = ConvertTo-SecureString 2222 -AsPlainText -Force
            try {
                $token = Initialize-Pkcs11Token -Token $Old -Label $New -SoPin $so -UserPin $first -Force -Confirm:$false
                $token = Set-Pkcs11Pin -Token $token -Pin $first -NewPin $second -PassThru
                $cert = Import-Pkcs11Certificate -Token $token -Path $CertPem -Label "cert of $New" -Pin $second
                [pscustomobject]@{ Old = $Old; Token = $token.Label; Uri = $token.Uri; Certificate = $cert.Uri; Errors = @($Error | ForEach-Object { "$_" }) }
            }
            catch { [pscustomobject]@{ Old = $Old; Errors = @("$_") } }
        }
        $jobs = foreach ($i in 0..7) {
            $ps = [powershell]::Create(); $ps.RunspacePool = $pool
            $null = $ps.AddScript($worker).AddArgument($Labels[$i]).AddArgument("Done $($i + 1)").AddArgument($CertPem)
            [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
        }
        $results = foreach ($job in $jobs) {
            $job.Handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(300)) | Should -BeTrue
            $job.PowerShell.EndInvoke($job.Handle)
            $job.PowerShell.Dispose()
        }
        $pool.Dispose()
        @($results.Errors) | Should -BeNullOrEmpty
        $results.Count | Should -Be 8
        foreach ($r in $results) {
            $r.Token | Should -BeExactly ("Done " + $r.Old.Substring(6))
            (Get-P11toolObject --list-all-certs $r.Uri).URL | Should -BeExactly $r.Certificate
            (Get-P11toolToken | Where-Object Label -eq $r.Token).URL | Should -BeExactly $r.Uri
            (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label $r.Token --login --pin 2222 --list-objects).Exit | Should -Be 0
        }
        @(Get-P11toolToken | Where-Object Label -like 'Fleet*').Count | Should -Be 0
    }
}
