"""What a page of the app shows, read from its HTML: for tests with Django's test client
and for tests against real servers alike."""

import re
from html.parser import HTMLParser

_MENU_NAME = re.compile(r'<span class="user-menu-name">([^<]*)</span>')


def menu_name(html):
    """The name on the navbar's account menu, as written in the HTML (escaped); None
    when the page is not a signed-in member's."""
    found = _MENU_NAME.search(html)
    return found[1] if found else None


def texts_of(html, role):
    """The text of each element with this ARIA role (alert, status...), tags removed."""
    found = re.findall(rf'<(\w+)[^>]*\brole="{role}"[^>]*>(.*?)</\1>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", inner).split()) for _tag, inner in found]


def title_of(html):
    """The text of the document's <title>."""
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S)[1].split())


def heading_of(html):
    """The text of the page's h1."""
    return " ".join(
        re.sub(r"<[^>]+>", " ", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1]).split()
    )


class _MessagesParser(HTMLParser):
    """Collects the text of each message in the messages area (#messages)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside #messages, how deep
        self.messages = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            if self.depth == 2:
                self.messages.append("")
        elif dict(attrs).get("id") == "messages":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth >= 2:
            self.messages[-1] += data


def messages_of(html):
    """The messages shown in the messages area, in order."""
    parser = _MessagesParser()
    parser.feed(html)
    return [" ".join(message.split()) for message in parser.messages]
