#!/usr/bin/env bash
# Regenerates the three demo lesson videos and their posters in seeds/media/videos/.
# Only needed to change them: the files are committed, so seeding never needs ffmpeg.
# H.264 baseline + AAC mono, 480x270, faststart: plays in every browser, ~100 KB each.
set -euo pipefail
cd "$(dirname "$0")/videos"
FFMPEG=${FFMPEG:-/usr/bin/ffmpeg}
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
BOLD=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name | seconds | background | subtitle | tone (Hz)
while IFS='|' read -r name seconds colour subtitle tone; do
  printf 'MKA e-class · Lesson video' >"$tmp/title.txt"
  printf '%s' "$subtitle" >"$tmp/subtitle.txt"
  printf 'Demo video · fictional content' >"$tmp/footer.txt"
  "$FFMPEG" -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "color=c=${colour}:s=480x270:r=15:d=${seconds}" \
    -f lavfi -i "color=c=${colour}:s=432x8:r=15:d=${seconds}" \
    -f lavfi -i "color=c=white:s=432x8:r=15:d=${seconds}" \
    -f lavfi -i "aevalsrc='0.06*sin(2*PI*${tone}*t)*(0.6+0.4*sin(2*PI*0.25*t))':s=22050:d=${seconds}" \
    -filter_complex "\
[1:v]drawbox=x=0:y=0:w=iw:h=ih:color=white@0.3:t=fill[track];\
[track][2:v]overlay=x='-432+432*t/${seconds}':y=0[bar];\
[0:v]drawbox=x=0:y=0:w=iw:h=6:color=white@0.9:t=fill[bg];\
[bg][bar]overlay=x=24:y=226,\
drawtext=fontfile=${BOLD}:textfile=${tmp}/title.txt:fontcolor=white:fontsize=24:x=(w-tw)/2:y=70,\
drawtext=fontfile=${FONT}:textfile=${tmp}/subtitle.txt:fontcolor=white@0.9:fontsize=18:x=(w-tw)/2:y=112,\
drawtext=fontfile=${FONT}:text='%{eif\:t/60\:d\:2}\:%{eif\:mod(t\,60)\:d\:2} / 00\:${seconds}':fontcolor=white:fontsize=18:x=(w-tw)/2:y=160,\
drawtext=fontfile=${FONT}:textfile=${tmp}/footer.txt:fontcolor=white@0.6:fontsize=12:x=24:y=244[v]" \
    -map "[v]" -map 3:a \
    -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -crf 30 -g 45 \
    -c:a aac -b:a 16k -ac 1 -movflags +faststart "${name}.mp4"
  "$FFMPEG" -nostdin -hide_banner -loglevel error -y -ss 3 -i "${name}.mp4" -frames:v 1 -q:v 6 "${name}.jpg"
done <<'LIST'
lesson-intro|18|0x0b6e99|Introduction and key concepts|220
clinical-demo|20|0x8c1c3c|Clinical skills demonstration|247
case-discussion|24|0x2f6b3a|Case discussion and review|196
LIST
ls -l ./*.mp4 ./*.jpg
