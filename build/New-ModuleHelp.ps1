<#
.SYNOPSIS
    Writes en-US/SmartCardPS.dll-Help.xml (MAML) from the cmdlets' XML doc comments.
.DESCRIPTION
    Help lives beside the code it documents: the class summary carries the synopsis and description
    (<para type="synopsis|description">), <example> elements carry code and remarks, and each parameter
    property's summary its description. Syntax, types and pipeline input come from the cmdlet metadata,
    so the help can never disagree with the parameters. The doc XML files are removed afterwards.
#>
[CmdletBinding()]
param([Parameter(Mandatory)][string] $ModuleDir)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$module = Import-Module (Join-Path $ModuleDir 'SmartCardPS.psd1') -PassThru -Force
$docs = @{}
foreach ($file in Get-ChildItem $ModuleDir -Filter 'SmartCardPS*.xml') {
    foreach ($member in ([xml](Get-Content $file.FullName -Raw)).doc.members.member) { $docs[$member.name] = $member }
}
$common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name
$shouldProcess = [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name
# Get-Help -Parameter WhatIf finds only what the MAML holds, so the ShouldProcess parameters are written out too.
$shouldProcessHelp = @{
    WhatIf  = 'Shows what the command would change, without changing anything.'
    Confirm = 'Asks for confirmation before each change.'
}
$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)

function Get-Para($node, [string] $type) {
    if (-not $node -or -not $node.SelectSingleNode('summary')) { return @() }
    @($node.summary.SelectNodes("para[@type='$type']") | ForEach-Object { ($_.InnerText -replace '\s+', ' ').Trim() })
}

function Get-PropertyDoc([type] $type, [string] $name) {
    for ($t = $type; $t; $t = $t.BaseType) {
        $doc = $docs["P:$($t.FullName).$name"]
        if ($doc) { return $doc }
    }
}

function Get-PipelineInput($parameter) {
    $kinds = @()
    foreach ($set in $parameter.ParameterSets.Values) {
        if ($set.ValueFromPipeline) { $kinds += 'ByValue' }
        if ($set.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    }
    $kinds = @($kinds | Select-Object -Unique)
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-ElementType([type] $type) {
    if ($type.IsArray) { return $type.GetElementType() }
    return $type
}

function Get-PipelineParameter($command) {
    @($command.Parameters.Values | Where-Object { $_.Name -notin $common -and $_.Name -notin $shouldProcess } | Where-Object {
            $_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }
        })
}

# Related commands are the ones whose output this command takes from the pipeline, the ones that take its output,
# and the ones acting on the same noun: derived from the metadata, so a new cmdlet is linked without being listed.
function Get-RelatedCommand($command) {
    $outputs = @($command.OutputType | Where-Object { $_ -and $_.Type } | ForEach-Object Type)
    $inputs = @(Get-PipelineParameter $command | ForEach-Object { Get-ElementType $_.ParameterType })
    $related = foreach ($other in $cmdlets | Where-Object Name -ne $command.Name) {
        $otherOutputs = @($other.OutputType | Where-Object { $_ -and $_.Type } | ForEach-Object Type)
        $otherInputs = @(Get-PipelineParameter $other | ForEach-Object { Get-ElementType $_.ParameterType })
        $feedsUs = @($otherOutputs | Where-Object { $_ -in $inputs -and $_ -ne [string] })
        $weFeed = @($outputs | Where-Object { $_ -in $otherInputs -and $_ -ne [string] })
        if ($feedsUs -or $weFeed -or $other.Noun -eq $command.Noun) { $other.Name }
    }
    @($related | Sort-Object -Unique) + 'about_SmartCardPS'
}

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$helpDir = Join-Path $ModuleDir 'en-US'
New-Item -ItemType Directory -Force $helpDir | Out-Null
$w = [System.Xml.XmlWriter]::Create((Join-Path $helpDir 'SmartCardPS.dll-Help.xml'), $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$cmdNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
# Example code written over several doc-comment lines arrives indented as the comment was: keep only the indentation
# of each line relative to the least indented one, so Get-Help shows it as the user would type it.
function Format-ExampleCode([string] $code) {
    $lines = @($code.Trim() -split '\r?\n')
    if ($lines.Count -eq 1) { return $lines[0] }
    $rest = @($lines | Select-Object -Skip 1)
    $indent = ($rest | Where-Object { $_.Trim() } | ForEach-Object { $_.Length - $_.TrimStart().Length } | Measure-Object -Minimum).Minimum
    (@($lines[0]) + @($rest | ForEach-Object { if ($_.Length -ge $indent) { $_.Substring($indent) } else { $_.TrimStart() } })) -join "`n"
}

function Para([string] $text) { $w.WriteElementString('maml', 'para', $maml, $text) }

$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($cmd in $cmdlets) {
    $type = $cmd.ImplementingType
    $doc = $docs["T:$($type.FullName)"]
    $synopsis = @(Get-Para $doc 'synopsis')
    $description = @(Get-Para $doc 'description')
    if (-not $synopsis -or -not $description) { throw "$($cmd.Name) has no <para type=""synopsis""> or <para type=""description""> in its doc comment." }
    $parameters = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $common })
    $supportsShouldProcess = [bool]($cmd.Parameters.Keys -contains 'WhatIf')

    $w.WriteStartElement('command', 'command', $cmdNs)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $cmdNs)
    $w.WriteElementString('command', 'name', $cmdNs, $cmd.Name)
    $w.WriteStartElement('maml', 'description', $maml); $synopsis | ForEach-Object { Para $_ }; $w.WriteEndElement()
    $w.WriteElementString('command', 'verb', $cmdNs, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $cmdNs, $cmd.Noun)
    $w.WriteEndElement()
    $w.WriteStartElement('maml', 'description', $maml); $description | ForEach-Object { Para $_ }; $w.WriteEndElement()

    $w.WriteStartElement('command', 'syntax', $cmdNs)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $cmdNs)
        $w.WriteElementString('maml', 'name', $maml, $cmd.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common -and $_.Name -notin $shouldProcess }) {
            $w.WriteStartElement('command', 'parameter', $cmdNs)
            $w.WriteAttributeString('required', "$($p.IsMandatory)".ToLower())
            $w.WriteAttributeString('position', $(if ($p.Position -ge 0) { "$($p.Position)" } else { 'named' }))
            $w.WriteElementString('maml', 'name', $maml, $p.Name)
            if ($p.ParameterType -ne [switch]) { $w.WriteElementString('command', 'parameterValue', $cmdNs, $p.ParameterType.Name) }
            $w.WriteEndElement()
        }
        if ($supportsShouldProcess) {
            foreach ($name in $shouldProcess) {
                $w.WriteStartElement('command', 'parameter', $cmdNs)
                $w.WriteAttributeString('required', 'false')
                $w.WriteAttributeString('position', 'named')
                $w.WriteElementString('maml', 'name', $maml, $name)
                $w.WriteEndElement()
            }
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $cmdNs)
    foreach ($p in $parameters) {
        $pdoc = if ($p.Name -in $shouldProcess) { @($shouldProcessHelp[$p.Name]) } else { @(Get-Para (Get-PropertyDoc $type $p.Name) 'description') }
        if (-not $pdoc) { throw "$($cmd.Name) -$($p.Name) has no <para type=""description""> in its doc comment." }
        $first = $p.ParameterSets.Values | Select-Object -First 1
        $w.WriteStartElement('command', 'parameter', $cmdNs)
        $w.WriteAttributeString('required', "$([bool]($p.ParameterSets.Values | Where-Object IsMandatory))".ToLower())
        $w.WriteAttributeString('globbing', "$([bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLower())
        $w.WriteAttributeString('pipelineInput', (Get-PipelineInput $p))
        $w.WriteAttributeString('position', $(if ($first.Position -ge 0) { "$($first.Position)" } else { 'named' }))
        $w.WriteElementString('maml', 'name', $maml, $p.Name)
        $w.WriteStartElement('maml', 'description', $maml); $pdoc | ForEach-Object { Para $_ }; $w.WriteEndElement()
        $w.WriteElementString('command', 'parameterValue', $cmdNs, $p.ParameterType.Name)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $p.ParameterType.FullName); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'inputTypes', $cmdNs)
    $pipeline = @(Get-PipelineParameter $cmd)
    if (-not $pipeline) {
        $w.WriteStartElement('command', 'inputType', $cmdNs)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, 'None'); $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $maml); Para 'Nothing binds from the pipeline.'; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    foreach ($group in $pipeline | Group-Object { $_.ParameterType.FullName }) {
        $how = @($group.Group | ForEach-Object { "-$($_.Name) $((Get-PipelineInput $_) -replace '^True ', '')" })
        $w.WriteStartElement('command', 'inputType', $cmdNs)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $group.Name); $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $maml); Para "Binds to $($how -join '; ')."; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'returnValues', $cmdNs)
    $outputs = @($cmd.OutputType | Where-Object { $_ })
    if (-not $outputs) {
        $w.WriteStartElement('command', 'returnValue', $cmdNs)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, 'None'); $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $maml); Para 'This command writes no objects.'; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    foreach ($output in $outputs) {
        $name = if ($output.Type) { $output.Type.FullName } else { $output.Name }
        $w.WriteStartElement('command', 'returnValue', $cmdNs)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $name); $w.WriteEndElement()
        $typeDoc = if ($output.Type) { $docs["T:$($output.Type.FullName)"] }
        $summary = if ($typeDoc -and $typeDoc.SelectSingleNode('summary')) { ($typeDoc.SelectSingleNode('summary').InnerText -replace '\s+', ' ').Trim() }
        if ($summary) { $w.WriteStartElement('maml', 'description', $maml); Para $summary; $w.WriteEndElement() }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $examples = @(if ($doc.SelectSingleNode('example')) { $doc.SelectNodes('example') })
    if (-not $examples) { throw "$($cmd.Name) has no <example> in its doc comment." }
    $w.WriteStartElement('command', 'examples', $cmdNs)
    $i = 0
    foreach ($example in $examples) {
        $i++
        $w.WriteStartElement('command', 'example', $cmdNs)
        $w.WriteElementString('maml', 'title', $maml, "-------------------------- Example $i --------------------------")
        $w.WriteElementString('dev', 'code', $dev, (Format-ExampleCode $example.code))
        $w.WriteStartElement('dev', 'remarks', $dev)
        foreach ($p in $example.SelectNodes('para')) { Para (($p.InnerText -replace '\s+', ' ').Trim()) }
        # An empty paragraph renders as the blank line that separates one example from the next.
        Para ''
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('maml', 'relatedLinks', $maml)
    foreach ($link in Get-RelatedCommand $cmd) {
        $w.WriteStartElement('maml', 'navigationLink', $maml)
        $w.WriteElementString('maml', 'linkText', $maml, $link)
        $w.WriteElementString('maml', 'uri', $maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.Close()
Copy-Item (Join-Path $PSScriptRoot 'about_SmartCardPS.help.txt') $helpDir
Remove-Module $module
Get-ChildItem $ModuleDir -Filter 'SmartCardPS*.xml' | Remove-Item
