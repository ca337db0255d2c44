#!/usr/bin/env python3
"""gen_page.py N PREFIX OUT_PAGE OUT_CONTENT_VIDEOS [SKIP] — a Bunny List
Videos page of N synthetic videos titled "PREFIX <i>" (deterministic
guids), and a content/videos file giving each video tags and an access
level.  The first SKIP videos are left out (to simulate deletions)."""
import json
import sys
import uuid

n, prefix, out_page, out_videos = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
skip = int(sys.argv[5]) if len(sys.argv) > 5 else 0
tags = ["night", "city", "ocean", "desert", "neon", "rooftop", "studio", "golden", "rain", "forest"]
items, videos = [], {}
for i in range(skip, n):
    g = str(uuid.UUID(int=(i * 2654435761 + 12345) % (1 << 122) | (4 << 76) | (1 << 63)))
    items.append({"guid": g, "title": "%s %d" % (prefix, i), "description": "Video %d" % i,
                  "dateUploaded": "2025-%02d-%02dT%02d:%02d:00.000" % (1 + i % 12, 1 + i % 28, i % 24, i % 60),
                  "length": 60 + i, "status": 4, "width": 1280, "height": 720,
                  "thumbnailFileName": "thumbnail.jpg", "views": i})
    videos[g] = {"categories": ["raw"] if i % 2 else ["art", "raw"],
                 "tags": [tags[i % 10], tags[(i * 7) % 10]], "access": ["public", "vip", "ppv"][i % 3]}
json.dump({"totalItems": len(items), "currentPage": 1, "itemsPerPage": len(items), "items": items},
          open(out_page, "w"))
json.dump({"videos": videos}, open(out_videos, "w"))
