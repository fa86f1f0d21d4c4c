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
    return protocols === undefined ? new Native(url) : new Native(url, protocols);
  }
  Reconnecting.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Reconnecting[name] = Native[name];
  window.WebSocket = Reconnecting;

  const CHINESE = new Map([
    ["Connection error", "连接中断"],
    ["Connecting", "正在连接"],
    ["Connecting to Streamlit server", "正在连接服务器"],
    ["Unable to connect to Streamlit server", "无法连接服务器"],
    ["Error", "连接出错"],
    ["Streamlit server is not responding. Are you connected to the internet?",
     "服务器暂时没有响应，正在自动重新连接。请检查网络；如长时间无法恢复，请联系系统管理员。"],
    ["Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:",
     "服务器暂时没有响应，正在自动重新连接。如长时间无法恢复，请联系系统管理员。"],
    ["Connection lost. Please wait for the app to reconnect, then try again.", "连接中断，请等重新连接后再试。"],
  ]);
  const WHERE = '[role="dialog"], [role="tooltip"], [data-testid="stConnectionStatus"], [data-testid="stFileUploaderFileErrorMessage"]';

  function translate() {
    for (const root of document.querySelectorAll(WHERE)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const chinese = CHINESE.get(node.nodeValue.trim());
        if (chinese) node.nodeValue = chinese;
      }
      // the "restart it in your terminal" command under the localhost message means nothing to a user
      for (const code of root.querySelectorAll("pre, code")) {
        if (code.textContent.includes("streamlit run")) code.style.display = "none";
      }
    }
  }
  new MutationObserver(translate).observe(document.body, { childList: true, subtree: true, characterData: true });
})();
