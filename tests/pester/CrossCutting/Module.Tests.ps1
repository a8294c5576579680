BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:Cmdlets = @(Get-Command -Module SmartCardPS -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:Manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'SmartCardPS.psd1')
}

Describe 'The module folder' {
    It 'exports exactly the cmdlets its manifest names' {
        (Get-Command -Module SmartCardPS).Name | Sort-Object | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
        $Manifest.FunctionsToExport | Should -BeNullOrEmpty
    }

    It 'runs on both editions and carries the version from Directory.Build.props' {
        $Manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $props = [xml](Get-Content (Join-Path $PSScriptRoot '../../../Directory.Build.props') -Raw)
        $Manifest.ModuleVersion | Should -Be ($props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1)
        (Get-Module SmartCardPS).Version | Should -Be $Manifest.ModuleVersion
    }

    It 'ships its format files and nothing of the build' {
        (Get-ChildItem $ModuleDir -Filter '*.Format.ps1xml').Name | Should -Be 'SmartCardPS.Format.ps1xml'
        $views = { param($Path) @(([xml](Get-Content $Path -Raw)).Configuration.ViewDefinitions.View.Name) }
        $sourceViews = Get-ChildItem (Join-Path $PSScriptRoot '../../../src/SmartCardPS/Formats') -Filter '*.Format.ps1xml' | ForEach-Object { & $views $_.FullName }
        & $views (Join-Path $ModuleDir 'SmartCardPS.Format.ps1xml') | Sort-Object | Should -Be ($sourceViews | Sort-Object)
        Get-ChildItem $ModuleDir -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
        Get-ChildItem $ModuleDir -Filter '*.pdb' | Should -BeNullOrEmpty
    }

    It 'loads in a fresh process from its folder alone' {
        # Under 'dotnet pwsh' the process is the dotnet host running pwsh.dll.
        $host_ = [Environment]::ProcessPath
        $hostArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $out = & $host_ @hostArgs -NoProfile -NonInteractive -Command "Import-Module '$ModuleDir'; (Get-Command -Module SmartCardPS).Count"
        [int]($out | Select-Object -Last 1) | Should -Be $Manifest.CmdletsToExport.Count
    }
}

Describe 'Importing the module' {
    BeforeAll {
        # A fresh process: this one has run cmdlets, loaded the core and built its format tables long ago.
        function Invoke-FreshPwsh([string] $Command) {
            $host_ = [Environment]::ProcessPath
            $hostArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
            $out = & $host_ @hostArgs -NoProfile -NonInteractive -Command "Import-Module '$ModuleDir'; $Command"
            if ($LASTEXITCODE) { throw "pwsh exited with $LASTEXITCODE`: $out" }
            $out
        }
    }

    It 'leaves PC/SC and PKCS#11 unloaded until a cmdlet needs them, and knows the core''s types' {
        $out = Invoke-FreshPwsh @'
[AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -join ','
(Get-Content /proc/self/maps | Where-Object { $_ -match 'pcsclite|p11-kit|pkcs11' }).Count
[SmartCardPS.Interop.SmartCardShareMode]::Exclusive
'@
        $out[0] -split ',' | Should -Contain 'SmartCardPS'
        $out[0] -split ',' | Should -Not -Contain 'Pkcs11Interop'
        $out[1] | Should -Be 0
        # Scripts name the core's types right after Import-Module ([SmartCardPS.Setup.SetupCheck], enum values).
        $out[2] | Should -Be 'Exclusive'
    }

    It 'shows its views for deserialized objects before any cmdlet has run' {
        # What a fleet admin sees from Invoke-Command right after Import-Module: PSSerializer clones, no local cmdlet run.
        $out = Invoke-FreshPwsh @'
$check = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize([SmartCardPS.Setup.SetupCheck]::new('Card', 'Warn', 'no reader holds a card', 'insert a card')))
$check.PSObject.TypeNames[0]
($check | Format-Table | Out-String -Width 80).Trim().Split("`n")[0]
'@
        $out[0] | Should -Be 'Deserialized.SmartCardPS.Setup.SetupCheck'
        $out[1] | Should -Match '^Status\s+Name\s+Detail'
    }

    It 'knows a view for every type the format sources name before any cmdlet has run' {
        $sources = Get-ChildItem (Join-Path $PSScriptRoot '../../../src/SmartCardPS/Formats') -Filter '*.Format.ps1xml'
        $expected = @($sources | ForEach-Object { ([xml](Get-Content $_.FullName -Raw)).Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName } | Sort-Object -Unique)
        $known = Invoke-FreshPwsh '(Get-FormatData -TypeName SmartCardPS.*).TypeNames'
        $expected | Should -Not -BeNullOrEmpty
        foreach ($type in $expected) { $known | Should -Contain $type }
    }
}

Describe 'about_SmartCardPS' {
    It 'is shipped and maps each ArchWiki step to cmdlets that exist' {
        $text = Get-Help about_SmartCardPS | Out-String
        $text | Should -Match 'enable_pinpad'
        $text | Should -Match 'opensc\.module'
        $text | Should -Match 'Firefox'
        $named = [regex]::Matches($text, '\b[A-Z][a-z]+-(?:SmartCard|Pkcs11|OpenSc|Nss|Firefox|Atr)\w*') | ForEach-Object Value | Sort-Object -Unique
        $named | Should -Not -BeNullOrEmpty
        foreach ($name in $named) { Get-Command $name -Module SmartCardPS -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "about_SmartCardPS names $name" }
    }

    It "README's cmdlet table names the types each cmdlet declares it emits (issue 23, item 19)" {
        $readme = Get-Content (Join-Path $PSScriptRoot '../../../README.md')
        $start = [array]::IndexOf($readme, '## Cmdlets')
        $rows = @($readme | Select-Object -Skip $start | Where-Object { $_ -cmatch '^\| `[A-Z][A-Za-z]+-[A-Za-z0-9]+[ `]' } |
            Select-Object -First (Get-Command -Module SmartCardPS).Count)
        $rows.Count | Should -Be (Get-Command -Module SmartCardPS).Count
        $checked = 0
        foreach ($row in $rows) {
            $cmdlet = [regex]::Match($row, '^\| `([A-Z][A-Za-z]+-[A-Za-z0-9]+)').Groups[1].Value
            $declared = @((Get-Command $cmdlet -Module SmartCardPS).OutputType.Name)
            # The third column, "What it gives"; '\|' inside a cell is a pipe in the text.
            $gives = ($row -split '(?<!\\)\|')[3]
            foreach ($type in [regex]::Matches($gives, '`(SmartCardPS\.[\w.]+)`') | ForEach-Object { $_.Groups[1].Value }) {
                $declared | Should -Contain $type -Because "README says $cmdlet emits $type"
                $checked++
            }
        }
        $checked | Should -BeGreaterOrEqual 15
    }

    It 'fits an 80-column terminal: no line is wider (issue 23, item 19)' {
        $file = Get-ChildItem $ModuleDir -Recurse -Filter 'about_SmartCardPS.help.txt' | Select-Object -First 1
        $file | Should -Not -BeNullOrEmpty
        $wide = @(Get-Content $file.FullName | Where-Object Length -GT 80)
        $wide | Should -BeNullOrEmpty -Because "$($wide.Count) line(s) are wider than 80 columns"
    }
}

Describe '<Name>' -ForEach $Cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name +
        [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $command.Verb
    }

    It 'declares its output type (cmdlets that only remove write nothing)' {
        if ($command.Verb -in 'Unregister', 'Remove', 'Clear') { $command.OutputType | Should -BeNullOrEmpty; return }
        $command.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'has a synopsis, a description and examples' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name \["
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }

    It 'documents -WhatIf and -Confirm in its help when it supports ShouldProcess' {
        if ($command.Parameters.Keys -notcontains 'WhatIf') { $help.parameters.parameter.name | Should -Not -Contain 'WhatIf'; return }
        foreach ($p in 'WhatIf', 'Confirm') {
            ((Get-Help $Name -Parameter $p).Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p needs help"
        }
        ($help.Syntax | Out-String) | Should -Match '\[-WhatIf\] \[-Confirm\]'
    }

    It 'names in INPUTS the type of every parameter that binds from the pipeline' {
        $inputs = @($help.inputTypes.inputType | ForEach-Object { $_.type.name })
        $pipeline = @($command.Parameters.Values | Where-Object { $_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName } })
        if (-not $pipeline) { $inputs | Should -Be @('None'); return }
        foreach ($p in $pipeline) { $inputs | Should -Contain $p.ParameterType.FullName -Because "-$($p.Name) binds from the pipeline" }
    }

    It 'names in OUTPUTS the real .NET type of what it writes' {
        $outputs = @($help.returnValues.returnValue | ForEach-Object { $_.type.name })
        $declared = @($command.OutputType | Where-Object { $_.Type } | ForEach-Object { $_.Type.FullName })
        if (-not $declared) { $outputs | Should -Be @('None'); return }
        $outputs | Should -Be $declared
        foreach ($name in $outputs) { $name -as [type] | Should -Not -BeNullOrEmpty -Because "$name must be a loadable type" }
    }

    It 'links to related commands and to about_SmartCardPS' {
        $links = @($help.relatedLinks.navigationLink | ForEach-Object { $_.linkText.Trim() })
        $links | Should -Contain 'about_SmartCardPS'
        foreach ($link in $links | Where-Object { $_ -ne 'about_SmartCardPS' }) { Get-Command $link -Module SmartCardPS | Should -Not -BeNullOrEmpty }
    }

    It 'separates its examples with a blank line' {
        $text = Get-Help $Name -Examples | Out-String -Width 200
        $examples = @($help.Examples.Example).Count
        if ($examples -lt 2) { return }
        ([regex]::Matches($text, '(?m)^\s*\r?\n\s*-{10,} Example \d+ -{10,}')).Count | Should -Be $examples
    }

    It 'describes every parameter' {
        foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            ((Get-Help $Name -Parameter $p).Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p needs help"
        }
    }

    It 'supports ShouldProcess exactly when it changes anything' {
        $readOnly = $command.Verb -in 'Get', 'Watch', 'ConvertFrom', 'Test', 'Find', 'Search'
        $command.Parameters.Keys -contains 'WhatIf' | Should -Be (-not $readOnly)
        $command.Parameters.Keys -contains 'Confirm' | Should -Be (-not $readOnly)
    }
}
