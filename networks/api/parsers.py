"""The API reads JSON only, and odd JSON is a 400 with a message, never a 500."""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


class PortalJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        # DRF reads the body straight from the stream, past Django's own size limit.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise ParseError(_("The request body is too large."))
        try:
            data = json.loads(codecs.decode(raw, encoding))
            # A lone surrogate ("\ud800") parses, but no database can store it; 1e999 parses
            # as infinity. Writing the data back out finds both.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ParseError(
                _("The request body contains text that is not valid Unicode.")
            ) from exc
        except (ValueError, LookupError) as exc:
            raise ParseError(
                _("The request body is not valid JSON: %(problem)s") % {"problem": exc}
            ) from exc
        except RecursionError as exc:
            raise ParseError(_("The request body is nested too deeply.")) from exc
        return data
