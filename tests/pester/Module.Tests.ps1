BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Cmdlets = @(Get-Command -Module SmartCardPS -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'SmartCardPS.psd1')
}

Describe 'The module folder' {
    It 'exports exactly the cmdlets its manifest names' {
        (Get-Command -Module SmartCardPS).Name | Sort-Object | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
        $Manifest.FunctionsToExport | Should -BeNullOrEmpty
    }

    It 'runs on both editions and carries the version from Directory.Build.props' {
        $Manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $props = [xml](Get-Content (Join-Path $PSScriptRoot '../../Directory.Build.props') -Raw)
        $Manifest.ModuleVersion | Should -Be ($props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1)
        (Get-Module SmartCardPS).Version | Should -Be $Manifest.ModuleVersion
    }

    It 'ships its format files and nothing of the build' {
        @(Get-ChildItem $ModuleDir -Filter '*.Format.ps1xml').Count | Should -Be @(Get-ChildItem (Join-Path $PSScriptRoot '../../src/SmartCardPS/Formats') -Filter '*.Format.ps1xml').Count
        Get-ChildItem $ModuleDir -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
        Get-ChildItem $ModuleDir -Filter '*.pdb' | Should -BeNullOrEmpty
    }

    It 'loads its views when a cmdlet first runs, not at import, and every view with them' {
        $host_ = [Environment]::ProcessPath
        $hostArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $script = "Import-Module '$ModuleDir'; @(Get-FormatData 'SmartCardPS.*').Count; `$null = ConvertFrom-Atr '3B 00'; " +
            "(Get-FormatData 'SmartCardPS.*').TypeNames | Sort-Object"
        $out = @(& $host_ @hostArgs -NoProfile -NonInteractive -Command $script)
        $out[0] | Should -Be '0'
        $files = Get-ChildItem $ModuleDir -Filter '*.Format.ps1xml'
        $files.Count | Should -BeGreaterThan 0
        $declared = $files | ForEach-Object { ([xml](Get-Content $_.FullName -Raw)).Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName } | Sort-Object -Unique
        $out[1..($out.Count - 1)] | Sort-Object -Unique | Should -Be $declared
    }

    It 'loads in a fresh process from its folder alone' {
        # Under 'dotnet pwsh' the process is the dotnet host running pwsh.dll.
        $host_ = [Environment]::ProcessPath
        $hostArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $out = & $host_ @hostArgs -NoProfile -NonInteractive -Command "Import-Module '$ModuleDir'; (Get-Command -Module SmartCardPS).Count"
        [int]($out | Select-Object -Last 1) | Should -Be $Manifest.CmdletsToExport.Count
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

    It 'describes every parameter' {
        foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            ((Get-Help $Name -Parameter $p).Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p needs help"
        }
    }

    It 'supports ShouldProcess when it changes anything' {
        if ($command.Verb -in 'Get', 'Watch', 'ConvertFrom', 'Test', 'Find', 'Search') { return }
        $command.Parameters.Keys | Should -Contain 'WhatIf'
    }
}
