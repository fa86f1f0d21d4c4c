/* When the app server dies under a user (issue 27): Streamlit's browser client reconnects on its own, through
   nginx to another server. Two things here, installed once per page by ui/chrome.py chinese_chrome():
   1. Any websocket opened after this script runs is a reconnect (the page's first one carried this script), so
      a short-lived cookie marks its handshake: the new server's first run sees it and says, in Chinese, that an
      unsent form was not kept (the new server has none of the old session's widgets or uploaded files).
   2. Streamlit's own English while the connection is down ("Connection error", "Is Streamlit still running?",
      "Connecting") is replaced by Chinese. */
(() => {
  if (window.ledgerReconnectInstalled) return;
  window.ledgerReconnectInstalled = true;

  const COOKIE = "ledger_reconnected"; // ui/chrome.py RECONNECTED
  const Native = window.WebSocket;
  function Reconnecting(url, protocols) {
    document.cookie = `${COOKIE}=${Date.now()}; path=/; max-age=60; samesite=strict`;
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    // when the page can be used again (bench/cluster.py times a server's loss from the kill to here)
    socket.addEventListener("open", () => { window.ledgerReconnectedAt = Date.now(); });
    return socket;
  }
  Reconnecting.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Reconnecting[name] = Native[name];
  window.WebSocket = Reconnecting;

  const WAITING = "服务器暂时没有响应，正在自动重新连接。如长时间无法恢复，请联系系统管理员。";
  const CHINESE = new Map([
    ["Connection error", "连接中断"],
    ["Connecting", "正在连接"],
    ["Connecting to Streamlit server", "正在连接服务器"],
    ["Unable to connect to Streamlit server", "无法连接服务器"],
    ["Connection lost. Please wait for the app to reconnect, then try again.", "连接中断，请等重新连接后再试。"],
  ]);
  const LATIN = /[A-Za-z]/;

  function* textNodes(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) yield node;
  }

  // The connection dialog's message is English of many kinds ("not responding", "still running?", "Connection
  // failed with status 502.", "Connection timed out.", a server's error page as a code block): one Chinese
  // sentence replaces all of it, with the status code when there is one.
  function translateConnectionDialog(dialog) {
    const status = dialog.textContent.match(/status:? (\d{3})/i);
    const message = status ? WAITING.replace("没有响应", `没有响应（状态码 ${status[1]}）`) : WAITING;
    for (const code of dialog.querySelectorAll("pre, code")) code.style.display = "none";
    let said = false;
    for (const node of textNodes(dialog)) {
      const text = node.nodeValue.trim();
      if (CHINESE.has(text)) node.nodeValue = CHINESE.get(text);
      else if (LATIN.test(text) && !node.parentElement.closest("pre, code")) {
        node.nodeValue = said ? "" : message;
        said = true;
      }
    }
  }

  function translate() {
    for (const dialog of document.querySelectorAll('[role="dialog"]')) {
      const title = dialog.querySelector("h2")?.textContent.trim();
      if (title === "Connection error" || title === "连接中断") translateConnectionDialog(dialog);
    }
    const elsewhere = '[role="tooltip"], [data-testid="stConnectionStatus"], [data-testid="stFileUploaderFileErrorMessage"]';
    for (const root of document.querySelectorAll(elsewhere)) {
      for (const node of textNodes(root)) {
        const chinese = CHINESE.get(node.nodeValue.trim());
        if (chinese) node.nodeValue = chinese;
      }
    }
  }
  new MutationObserver(translate).observe(document.body, { childList: true, subtree: true, characterData: true });
})();
