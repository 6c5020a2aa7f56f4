#!/usr/bin/env bash
# Packs the library (CaffeNet) and the .NET tool (CaffeNet.Cli) into a temporary folder, installs the
# tool from there into a temporary tool path and runs it on MobileNetV2 (dump, and run on an image
# with named classes), then builds a fresh console app (tools/pack-check/Program.cs) against the
# packed library and runs it. Packages are restored into a temporary NuGet folder, so a package
# cached by an earlier run is never the one tested; the machine's NuGet cache serves the others.
# Usage: tools/pack-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
echo "== pack $version"
dotnet pack src/CaffeNet -c Release -o "$work/feed" --nologo -v quiet
dotnet pack src/CaffeNet.Cli -c Release -o "$work/feed" --nologo -v quiet
ls "$work/feed"
for p in "CaffeNet.$version.nupkg" "CaffeNet.$version.snupkg" "CaffeNet.Cli.$version.nupkg"; do
  [ -f "$work/feed/$p" ] || { echo "missing $p"; exit 1; }
done
# The library package carries the licence expression, the readme and the repository.
nuspec=$(/usr/bin/python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("CaffeNet.nuspec").decode())' \
  "$work/feed/CaffeNet.$version.nupkg")
for field in '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<repository type="git" url="https://github.com/caffenet-authors/caffenet"'; do
  grep -qF "$field" <<<"$nuspec" || { echo "CaffeNet.nuspec lacks $field"; exit 1; }
done

# The packed feed first, then the sources the machine already has; packages land in a fresh folder,
# and what the machine's cache holds (SkiaSharp, Google.Protobuf, ...) is taken from there.
# A cache that already holds this version of ours (restored by hand elsewhere) would shadow the
# feed, so it is not used then.
global=${NUGET_PACKAGES:-$HOME/.nuget/packages}
fallback="<add key=\"machine\" value=\"$global\" />"
if [ -d "$global/caffenet/$version" ] || [ -d "$global/caffenet.cli/$version" ]; then
  fallback=""
fi
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="pack-check" value="$work/feed" />
  </packageSources>
  <fallbackPackageFolders>
    $fallback
  </fallbackPackageFolders>
</configuration>
XML
export NUGET_PACKAGES=$work/packages

echo "== dotnet tool install CaffeNet.Cli"
(cd "$work" && dotnet tool install --tool-path "$work/tools" --add-source "$work/feed" --version "$version" CaffeNet.Cli)
caffenet=$work/tools/caffenet
[ "$("$caffenet" --version)" = "$version" ] || { echo "caffenet --version does not print $version"; exit 1; }
mnv2=$root/testdata/mobilenetv2
"$caffenet" dump "$mnv2/deploy.prototxt" | tail -n 8
out=$("$caffenet" run "$mnv2/deploy.prototxt" --weights "$mnv2/calibrated-seed1.caffemodel" \
  --input "data=$root/testdata/images/wide-320x200.jpg" --mean 103.94,116.78,123.68 --scale 0.017 \
  --labels "$root/testdata/images/synset.txt")
echo "$out"
grep -q '^loss top-5 classes:$' <<<"$out" || { echo "the installed tool printed no named classes"; exit 1; }

echo "== a fresh console app on the CaffeNet package"
mkdir "$work/app"
cp tools/pack-check/Program.cs "$work/app/"
cat > "$work/app/PackCheck.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CaffeNet" Version="$version" />
  </ItemGroup>
</Project>
XML
cp "$work/nuget.config" "$work/app/nuget.config"
(cd "$work/app" && dotnet build -c Release --nologo -v quiet -o "$work/app/out")
app=$(dotnet "$work/app/out/PackCheck.dll" "$mnv2/deploy.prototxt" "$mnv2/calibrated-seed1.caffemodel" \
  "$root/testdata/images/wide-320x200.jpg" "$root/testdata/images/synset.txt")
echo "$app"
[ "$(wc -l <<<"$app")" -eq 5 ] || { echo "the console app did not print five classes"; exit 1; }
# The same top class as the installed tool found.
tool_top=$(grep -A1 '^loss top-5 classes:$' <<<"$out" | tail -n 1 | awk '{print $2}')
app_top=$(head -n 1 <<<"$app" | awk '{print $2}')
[ "$tool_top" = "$app_top" ] || { echo "tool's top class $tool_top, the app's $app_top"; exit 1; }
echo "pack-check: ok"
