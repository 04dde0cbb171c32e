<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <source>ecerp</source>
        <translation>ecerp</translation>
    </message>
    <message>
        <source>Demo mode is not available in this build.</source>
        <translation>此版本不含演示模式。</translation>
    </message>
    <message>
        <source>Preparing the demo database…</source>
        <translation>正在准备演示数据库…</translation>
    </message>
    <message>
        <source>No user exists yet: start ecerp normally to create the administrator.</source>
        <translation>尚无任何用户：请正常启动 ecerp 以创建管理员。</translation>
    </message>
    <message>
        <source>Only demo mode logs in by itself: add --demo to --smoke, --exit-when-shown or --screenshot.</source>
        <translation>只有演示模式会自动登录：请为 --smoke、--exit-when-shown 或 --screenshot 加上 --demo。</translation>
    </message>
</context>
<context>
    <name>Areas</name>
    <message>
        <source>Order review</source>
        <translation>订单审核</translation>
    </message>
    <message>
        <source>Packing station</source>
        <translation>打包台</translation>
    </message>
    <message>
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Purchasing</source>
        <translation>采购</translation>
    </message>
    <message>
        <source>Finance</source>
        <translation>财务</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <source>Devices of station {station}</source>
        <translation>工位 {station} 的设备</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>电子秤</translation>
    </message>
    <message>
        <source>Scale port</source>
        <translation>电子秤端口</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫描枪</translation>
    </message>
    <message>
        <source>Scanner port</source>
        <translation>扫描枪端口</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>{slug} (missing profile)</source>
        <translation>{slug}（配置文件缺失）</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Start test</source>
        <translation>开始测试</translation>
    </message>
    <message>
        <source>Click here and scan a barcode</source>
        <translation>点击此处后扫描条码</translation>
    </message>
    <message>
        <source>Last scan</source>
        <translation>最近扫描</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <source>Scale says</source>
        <translation>秤状态</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Stop test</source>
        <translation>停止测试</translation>
    </message>
    <message>
        <source>Overload</source>
        <translation>超载</translation>
    </message>
    <message>
        <source>Under zero</source>
        <translation>低于零点</translation>
    </message>
    <message>
        <source>No weight (scale busy or error)</source>
        <translation>无重量（秤忙或出错）</translation>
    </message>
    <message>
        <source>Stable</source>
        <translation>稳定</translation>
    </message>
    <message>
        <source>Moving</source>
        <translation>不稳定</translation>
    </message>
    <message>
        <source>{grams} g</source>
        <translation>{grams} 克</translation>
    </message>
    <message>
        <source>{device}: connected ({detail})</source>
        <translation>{device}：已连接（{detail}）</translation>
    </message>
    <message>
        <source>{device}: not connected ({detail})</source>
        <translation>{device}：未连接（{detail}）</translation>
    </message>
    <message>
        <source>Profiles that could not be loaded</source>
        <translation>无法加载的配置文件</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>The user {username} is disabled.</source>
        <translation>用户 {username} 已停用。</translation>
    </message>
    <message>
        <source>The user {username} already exists.</source>
        <translation>用户 {username} 已存在。</translation>
    </message>
    <message>
        <source>The password must have at least {minimum} characters.</source>
        <translation>密码至少需要 {minimum} 个字符。</translation>
    </message>
    <message>
        <source>{user} may not do this (it needs the permission to {permission}).</source>
        <translation>{user} 无权执行此操作（需要“{permission}”权限）。</translation>
    </message>
    <message>
        <source>Unknown role: choose admin, clerk, packer, warehouse or finance.</source>
        <translation>未知角色：请选择管理员、客服/审单、打包员、仓库或财务。</translation>
    </message>
    <message>
        <source>The database {path} is on a network share, where SQLite corrupts data. Keep it on this PC, or let several stations share a PostgreSQL database.</source>
        <translation>数据库 {path} 位于网络共享上，SQLite 在网络共享上会损坏数据。请将其保存在本机，或让多个工作站共用一个 PostgreSQL 数据库。</translation>
    </message>
    <message>
        <source>Cannot reach the database {url}: {error}</source>
        <translation>无法连接数据库 {url}：{error}</translation>
    </message>
    <message>
        <source>The database was written by a newer version of ecerp (schema {revision}). Please update ecerp.</source>
        <translation>该数据库由更新版本的 ecerp 写入（结构版本 {revision}）。请升级 ecerp。</translation>
    </message>
    <message>
        <source>Not an amount of money: {value}</source>
        <translation>不是有效的金额：{value}</translation>
    </message>
    <message>
        <source>Not a time: {value}</source>
        <translation>不是有效的时间：{value}</translation>
    </message>
    <message>
        <source>SKU {sku} has no valid EAN-13 barcode: print its label as Code 128.</source>
        <translation>商品 {sku} 没有有效的 EAN-13 条码：请用 Code 128 打印其标签。</translation>
    </message>
    <message>
        <source>An order cannot go from {current} to {target}.</source>
        <translation>订单不能从 {current} 变为 {target}。</translation>
    </message>
    <message>
        <source>Not found: {what} {key}</source>
        <translation>未找到：{what} {key}</translation>
    </message>
    <message>
        <source>{what} {key} already exists.</source>
        <translation>{what} {key} 已存在。</translation>
    </message>
    <message>
        <source>Cannot read {path}: {error}</source>
        <translation>无法读取 {path}：{error}</translation>
    </message>
    <message>
        <source>{path}: the header row lacks the column {column}.</source>
        <translation>{path}：表头缺少列 {column}。</translation>
    </message>
    <message>
        <source>{path}, row {row}, column {column}: {error}</source>
        <translation>{path}，第 {row} 行，{column} 列：{error}</translation>
    </message>
    <message>
        <source>Not enough stock of {sku} in {warehouse}.</source>
        <translation>仓库 {warehouse} 中 {sku} 的库存不足。</translation>
    </message>
    <message>
        <source>No benchmark {name} (available: {available}).</source>
        <translation>没有名为 {name} 的基准测试（可用：{available}）。</translation>
    </message>
    <message>
        <source>Rules: {where}: {error}</source>
        <translation>规则：{where}：{error}</translation>
    </message>
    <message>
        <source>Order {order} cannot be intercepted: it is {status}.</source>
        <translation>订单 {order} 无法截单：当前状态为 {status}。</translation>
    </message>
    <message>
        <source>Not a valid EAN-13 barcode: {value} (13 digits, the last one a check digit).</source>
        <translation>不是有效的 EAN-13 条码：{value}（13 位数字，最后一位为校验位）。</translation>
    </message>
    <message>
        <source>The barcode {barcode} already belongs to SKU {sku}.</source>
        <translation>条码 {barcode} 已属于 SKU {sku}。</translation>
    </message>
    <message>
        <source>Not a valid quantity: {value}</source>
        <translation>不是有效的数量：{value}</translation>
    </message>
    <message>
        <source>{path} is too big to import ({what}, limit {limit}).</source>
        <translation>{path} 太大，无法导入（{what}，上限 {limit}）。</translation>
    </message>
    <message>
        <source>Cannot print {value} as {symbology}: {reason}</source>
        <translation>无法将 {value} 打印为 {symbology}：{reason}</translation>
    </message>
    <message>
        <source>Label template {template}: {error}</source>
        <translation>标签模板 {template}：{error}</translation>
    </message>
    <message>
        <source>Printer profile {path}: {error}</source>
        <translation>打印机配置 {path}：{error}</translation>
    </message>
    <message>
        <source>The printer {printer} is off or unreachable ({error}). The job stays queued: retry when the printer is on.</source>
        <translation>打印机 {printer} 未开机或无法连接（{error}）。打印任务仍在队列中：打印机开机后请重试。</translation>
    </message>
    <message>
        <source>Sending to the printer {printer} broke off ({error}). The label may be partly printed: check it and reprint if needed.</source>
        <translation>向打印机 {printer} 发送时中断（{error}）。标签可能只打印了一部分：请检查，必要时重打。</translation>
    </message>
    <message>
        <source>{what} cannot be printed in {language}.</source>
        <translation>{what} 无法用 {language} 打印。</translation>
    </message>
    <message>
        <source>Print job {job} was already sent to the printer. Ask for a reprint (with a reason) to print it again.</source>
        <translation>打印任务 {job} 已发送到打印机。如需再次打印，请申请重打（并填写原因）。</translation>
    </message>
    <message>
        <source>A reprint needs a reason.</source>
        <translation>重打需要填写原因。</translation>
    </message>
    <message>
        <source>The system&apos;s credential store is not available ({error}).</source>
        <translation>系统凭据库不可用（{error}）。</translation>
    </message>
    <message>
        <source>Sync of shop {shop} failed: {error}</source>
        <translation>店铺 {shop} 同步失败：{error}</translation>
    </message>
    <message>
        <source>{what} is required.</source>
        <translation>{what} 为必填项。</translation>
    </message>
    <message>
        <source>Transfer {number} is {status}: it cannot be {action}.</source>
        <translation>调拨单 {number} 当前为 {status}：不能执行 {action}。</translation>
    </message>
    <message>
        <source>Transfer {number}: {qty} of {sku} received but only {limit} is still in transit.</source>
        <translation>调拨单 {number}：{sku} 收货 {qty}，但在途仅剩 {limit}。</translation>
    </message>
    <message>
        <source>{sku}: {qty} returned but only {limit} can come back (shipped minus already returned).</source>
        <translation>{sku}：退回 {qty}，但最多只能退 {limit}（已发货减去已退回）。</translation>
    </message>
    <message>
        <source>Purchase order {number} is {status}: it cannot be {action}.</source>
        <translation>采购单 {number} 状态为 {status}：不能{action}。</translation>
    </message>
    <message>
        <source>Receiving session {number} is already {status}.</source>
        <translation>验货单 {number} 已经是 {status} 状态。</translation>
    </message>
    <message>
        <source>Another station received {sku} of {number} meanwhile: check the session and post again.</source>
        <translation>另一个工位刚刚收了 {number} 的 {sku}：请检查本次验货后重新入库。</translation>
    </message>
    <message>
        <source>{what} is longer than {limit} characters.</source>
        <translation>{what} 超过 {limit} 个字符。</translation>
    </message>
    <message>
        <source>Order {order} cannot be split this way: {error}</source>
        <translation>订单 {order} 不能这样拆单：{error}</translation>
    </message>
    <message>
        <source>Cannot sort by {key} (allowed: {allowed}).</source>
        <translation>不能按 {key} 排序（允许：{allowed}）。</translation>
    </message>
    <message>
        <source>Courier {courier} has no waybill numbers left. Add a new block of numbers for {courier}.</source>
        <translation>快递 {courier} 的运单号已用完。请为 {courier} 添加新的单号段。</translation>
    </message>
    <message>
        <source>The waybill service of courier {courier} failed: {error}</source>
        <translation>快递 {courier} 的电子面单服务出错：{error}</translation>
    </message>
    <message>
        <source>Count {number} is {status}: it can no longer be changed.</source>
        <translation>盘点单 {number} 状态为 {status}，不能再修改。</translation>
    </message>
    <message>
        <source>Posting would leave {count} SKU(s) below the quantity reserved for orders: {skus}. Recount them, or release or ship their orders first.</source>
        <translation>过账后将有 {count} 个SKU低于订单占用数量：{skus}。请复盘这些SKU，或先释放/发出其订单。</translation>
    </message>
    <message>
        <source>SKU {sku} is inactive: orders cannot be mapped to it.</source>
        <translation>商品 {sku} 已停用：订单不能对应到它。</translation>
    </message>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>Welcome to ecerp</source>
        <translation>欢迎使用 ecerp</translation>
    </message>
    <message>
        <source>No user exists yet. Create the administrator, who can then add the other users in Settings.</source>
        <translation>尚无任何用户。请先创建管理员，之后可在“设置”中添加其他用户。</translation>
    </message>
    <message>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <source>At least {minimum} characters.</source>
        <translation>至少 {minimum} 个字符。</translation>
    </message>
    <message>
        <source>Please enter a user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>The password must have at least {minimum} characters.</source>
        <translation>密码至少需要 {minimum} 个字符。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Clerk (order review)</source>
        <translation>客服/审单</translation>
    </message>
    <message>
        <source>Packer</source>
        <translation>打包员</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Finance</source>
        <translation>财务</translation>
    </message>
    <message>
        <source>view orders</source>
        <translation>查看订单</translation>
    </message>
    <message>
        <source>review orders</source>
        <translation>审单</translation>
    </message>
    <message>
        <source>see full phone numbers and addresses</source>
        <translation>查看完整电话和地址</translation>
    </message>
    <message>
        <source>pack parcels</source>
        <translation>打包</translation>
    </message>
    <message>
        <source>print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>view stock</source>
        <translation>查看库存</translation>
    </message>
    <message>
        <source>change stock</source>
        <translation>修改库存</translation>
    </message>
    <message>
        <source>purchasing</source>
        <translation>采购</translation>
    </message>
    <message>
        <source>finance</source>
        <translation>财务</translation>
    </message>
    <message>
        <source>customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>manage sync</source>
        <translation>管理同步</translation>
    </message>
    <message>
        <source>change settings</source>
        <translation>修改设置</translation>
    </message>
    <message>
        <source>manage users</source>
        <translation>管理用户</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in to ecerp</source>
        <translation>登录 ecerp</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Demo users (user name / password / role):</source>
        <translation>演示用户（用户名 / 密码 / 角色）：</translation>
    </message>
    <message>
        <source>Please enter your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>ecerp e-commerce ERP</source>
        <translation>ecerp 电商ERP</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>{area} (Ctrl+{n})</source>
        <translation>{area}（Ctrl+{n}）</translation>
    </message>
    <message>
        <source>User: {name}</source>
        <translation>用户：{name}</translation>
    </message>
    <message>
        <source>Role: {role}</source>
        <translation>角色：{role}</translation>
    </message>
    <message>
        <source>Database: {db}</source>
        <translation>数据库：{db}</translation>
    </message>
</context>
<context>
    <name>NotAvailablePage</name>
    <message>
        <source>This area is not available yet: it comes in a later version of ecerp.</source>
        <translation>此功能暂未开放：将在 ecerp 的后续版本中提供。</translation>
    </message>
</context>
<context>
    <name>PageErrorPage</name>
    <message>
        <source>The page {area} could not be opened.</source>
        <translation>无法打开页面“{area}”。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>The devices page could not be opened: {error}</source>
        <translation>无法打开设备页面：{error}</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>The new language applies at once; open pages are reopened in it. It is remembered on this PC.</source>
        <translation>新语言立即生效，已打开的页面会以新语言重新打开。本机会记住此设置。</translation>
    </message>
    <message>
        <source>My password</source>
        <translation>我的密码</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Repeat new password</source>
        <translation>确认新密码</translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
        <source>The password must have at least {minimum} characters.</source>
        <translation>密码至少需要 {minimum} 个字符。</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>密码已修改。</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>In use: {db}</source>
        <translation>当前使用：{db}</translation>
    </message>
    <message>
        <source>empty: the local SQLite file; or postgresql://user@host/ecerp</source>
        <translation>留空：使用本机 SQLite 文件；或填写 postgresql://用户@主机/ecerp</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Several stations share one PostgreSQL database; a single PC can keep the local SQLite file. A new database takes effect when ecerp is restarted. A password is kept in the system&apos;s credential store, not in the settings file.</source>
        <translation>多个工作站共用一个 PostgreSQL 数据库；单台电脑可使用本机 SQLite 文件。更换数据库在重新启动 ecerp 后生效。密码保存在系统凭据库中，不写入设置文件。</translation>
    </message>
    <message>
        <source>Demo mode always uses its own demo database.</source>
        <translation>演示模式始终使用独立的演示数据库。</translation>
    </message>
    <message>
        <source>The local SQLite file needs no test.</source>
        <translation>本机 SQLite 文件无需测试。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>Connected to {db}. It is empty: ecerp creates its tables on the next start.</source>
        <translation>已连接 {db}。该数据库为空：ecerp 将在下次启动时创建数据表。</translation>
    </message>
    <message>
        <source>Connected to {db}. Its schema is upgraded on the next start.</source>
        <translation>已连接 {db}。其结构将在下次启动时升级。</translation>
    </message>
    <message>
        <source>Connected to {db}. Its schema is up to date.</source>
        <translation>已连接 {db}。其结构已是最新。</translation>
    </message>
    <message>
        <source>Saved. Restart ecerp to use this database.</source>
        <translation>已保存。重新启动 ecerp 后使用此数据库。</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Please enter a user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>User {name} added.</source>
        <translation>已添加用户 {name}。</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Pull now</source>
        <translation>立即拉取</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Pull the last 7 days</source>
        <translation>补拉最近 7 天</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Parked pushes of the selected shop</source>
        <translation>所选店铺暂停的推送</translation>
    </message>
    <message>
        <source>Retry selected push</source>
        <translation>重试所选推送</translation>
    </message>
    <message>
        <source>Select a shop first.</source>
        <translation>请先选择店铺。</translation>
    </message>
    <message>
        <source>Pulling {shop}…</source>
        <translation>正在拉取 {shop}…</translation>
    </message>
    <message>
        <source>%p% — {n} orders</source>
        <translation>%p% — {n} 个订单</translation>
    </message>
    <message>
        <source>Select a parked push first.</source>
        <translation>请先选择一条暂停的推送。</translation>
    </message>
    <message>
        <source>The push was queued again.</source>
        <translation>该推送已重新排队。</translation>
    </message>
</context>
<context>
    <name>PackingPage</name>
    <message>
        <source>Starting the station…</source>
        <translation>正在启动打包台…</translation>
    </message>
    <message>
        <source>Station {name}</source>
        <translation>打包台 {name}</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Scanned</source>
        <translation>已扫</translation>
    </message>
    <message>
        <source>To scan</source>
        <translation>应扫</translation>
    </message>
    <message>
        <source>type a number, then scan: counts that many</source>
        <translation>先输入数量再扫码：按该数量计数</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>a label that does not scan: type its code, then Enter</source>
        <translation>扫不出的标签：手动输入编码后按回车</translation>
    </message>
    <message>
        <source>grams, then Enter</source>
        <translation>克数，然后按回车</translation>
    </message>
    <message>
        <source>Weight (g)</source>
        <translation>重量（克）</translation>
    </message>
    <message>
        <source>Supervisor code</source>
        <translation>主管密码</translation>
    </message>
    <message>
        <source>Esc: put the parcel back    F5: print again after a printer problem</source>
        <translation>Esc：放回包裹    F5：打印机故障后重新打印</translation>
    </message>
    <message>
        <source>Scan a pick slip, order number or waybill</source>
        <translation>请扫描拣货单、订单号或运单号</translation>
    </message>
    <message>
        <source>Finish this parcel first (Esc puts it back)</source>
        <translation>请先完成当前包裹（Esc 放回）</translation>
    </message>
    <message>
        <source>Taken over from station {station}, which stopped answering: scan the items</source>
        <translation>已从无响应的打包台 {station} 接管：请扫描商品</translation>
    </message>
    <message>
        <source>Scan the items</source>
        <translation>请扫描商品</translation>
    </message>
    <message>
        <source>No parcel for {code}</source>
        <translation>找不到 {code} 对应的包裹</translation>
    </message>
    <message>
        <source>Station {station} is packing this parcel</source>
        <translation>打包台 {station} 正在打包此包裹</translation>
    </message>
    <message>
        <source>This parcel has already been shipped</source>
        <translation>此包裹已发货</translation>
    </message>
    <message>
        <source>Order {ids}   parcel {seq}</source>
        <translation>订单 {ids}   第 {seq} 个包裹</translation>
    </message>
    <message>
        <source>Buyer: {text}</source>
        <translation>买家留言：{text}</translation>
    </message>
    <message>
        <source>Memo: {text}</source>
        <translation>卖家备注：{text}</translation>
    </message>
    <message>
        <source>Expected weight {g} g</source>
        <translation>预计重量 {g} 克</translation>
    </message>
    <message>
        <source>Unknown code {code}: nothing counted</source>
        <translation>未知条码 {code}：未计数</translation>
    </message>
    <message>
        <source>Wrong item {code}: not in this parcel</source>
        <translation>错货 {code}：不在此包裹中</translation>
    </message>
    <message>
        <source>Too many {code}: already all scanned</source>
        <translation>多扫 {code}：已全部扫完</translation>
    </message>
    <message>
        <source>{code} belongs to another order</source>
        <translation>{code} 属于另一个订单</translation>
    </message>
    <message>
        <source>Not counting now</source>
        <translation>当前不计数</translation>
    </message>
    <message>
        <source>{done} of {total} scanned</source>
        <translation>已扫 {done} / {total}</translation>
    </message>
    <message>
        <source>Complete: put the parcel on the scale</source>
        <translation>已扫完：请把包裹放上电子秤</translation>
    </message>
    <message>
        <source>Complete: type the weight in grams and press Enter</source>
        <translation>已扫完：请输入重量（克）并按回车</translation>
    </message>
    <message>
        <source>No stable weight yet: check the scale</source>
        <translation>尚无稳定重量：请检查电子秤</translation>
    </message>
    <message>
        <source>Type the weight in whole grams</source>
        <translation>请输入整数克数</translation>
    </message>
    <message>
        <source>Weighed {g} g, expected {e} g (±{t} g)</source>
        <translation>称重 {g} 克，预计 {e} 克（±{t} 克）</translation>
    </message>
    <message>
        <source>Weight off by {d} g: re-weigh, or a supervisor code</source>
        <translation>重量偏差 {d} 克：请重新称重或输入主管密码</translation>
    </message>
    <message>
        <source>Wrong supervisor code</source>
        <translation>主管密码错误</translation>
    </message>
    <message>
        <source>Printing and shipping…</source>
        <translation>正在打印并发货…</translation>
    </message>
    <message>
        <source>Shipped. Scan the next parcel</source>
        <translation>已发货。请扫描下一个包裹</translation>
    </message>
    <message>
        <source>Not printed, the job stays queued: {why}. F5 tries again</source>
        <translation>未打印，任务留在队列中：{why}。按 F5 重试</translation>
    </message>
    <message>
        <source>Not shipped: {why}</source>
        <translation>未发货：{why}</translation>
    </message>
    <message>
        <source>Station {station} took this parcel: stop</source>
        <translation>打包台 {station} 已接手此包裹：请停止</translation>
    </message>
    <message>
        <source>INTERCEPTED: do not ship, put the items back</source>
        <translation>已截单：请勿发货，商品放回</translation>
    </message>
    <message>
        <source>CANCELLED: do not ship, put the items back</source>
        <translation>已取消：请勿发货，商品放回</translation>
    </message>
    <message>
        <source>This parcel cannot be packed ({status})</source>
        <translation>此包裹不能打包（{status}）</translation>
    </message>
    <message>
        <source>This hour: {n} parcels · {avg} s each · {e} errors (this session {s})</source>
        <translation>本小时：{n} 个包裹 · 平均 {avg} 秒 · {e} 次错误（本班 {s}）</translation>
    </message>
    <message>
        <source>Parcel put back. Scan a pick slip, order number or waybill</source>
        <translation>包裹已放回。请扫描拣货单、订单号或运单号</translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Platform SKU</source>
        <translation>平台 SKU</translation>
    </message>
    <message>
        <source>Merchant code</source>
        <translation>商家编码</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Stock (on hand / reserved)</source>
        <translation>库存（在库 / 占用）</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>From</source>
        <translation>原状态</translation>
    </message>
    <message>
        <source>To</source>
        <translation>新状态</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Released</source>
        <translation>解除</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>店铺</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Paid at</source>
        <translation>付款时间</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>明细</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Holds</source>
        <translation>挂起</translation>
    </message>
    <message>
        <source>Same buyer</source>
        <translation>同一买家</translation>
    </message>
    <message>
        <source>Order {no} ({id}) · {shop} · {status} · platform status: {platform_status}</source>
        <translation>订单 {no}（{id}）· {shop} · {status} · 平台状态：{platform_status}</translation>
    </message>
    <message>
        <source>{name} {phone}
{province} {city} {district} {town} {detail}</source>
        <translation>{name} {phone}
{province} {city} {district} {town} {detail}</translation>
    </message>
    <message>
        <source>Total {total} · paid {paid} · post fee {post} · discount {discount}</source>
        <translation>总额 {total} · 实付 {paid} · 运费 {post} · 优惠 {discount}</translation>
    </message>
    <message>
        <source>Buyer message: {message}
Seller memo: {memo}</source>
        <translation>买家留言：{message}
卖家备注：{memo}</translation>
    </message>
    <message>
        <source>unmapped</source>
        <translation>未对应</translation>
    </message>
</context>
<context>
    <name>HoldReason</name>
    <message>
        <source>Unmapped SKU</source>
        <translation>商品未对应</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>缺货</translation>
    </message>
    <message>
        <source>Address incomplete</source>
        <translation>地址不完整</translation>
    </message>
    <message>
        <source>Remote region</source>
        <translation>偏远地区</translation>
    </message>
    <message>
        <source>Blacklisted buyer</source>
        <translation>黑名单买家</translation>
    </message>
    <message>
        <source>Buyer message</source>
        <translation>买家留言</translation>
    </message>
    <message>
        <source>Price below floor</source>
        <translation>低于底价</translation>
    </message>
    <message>
        <source>Refund pending</source>
        <translation>退款中</translation>
    </message>
    <message>
        <source>Held by hand</source>
        <translation>人工挂起</translation>
    </message>
    <message>
        <source>Review rule</source>
        <translation>审单规则</translation>
    </message>
    <message>
        <source>No courier</source>
        <translation>无可用快递</translation>
    </message>
</context>
<context>
    <name>OrderStatus</name>
    <message>
        <source>Unpaid</source>
        <translation>未付款</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新订单</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>已挂起</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>Waybill printed</source>
        <translation>已打面单</translation>
    </message>
    <message>
        <source>Packed</source>
        <translation>已打包</translation>
    </message>
    <message>
        <source>Shipped</source>
        <translation>已发货</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Intercepted</source>
        <translation>已截单</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>OrdersPage</name>
    <message>
        <source>Buyer or receiver</source>
        <translation>买家或收件人</translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Phone (exact)</source>
        <translation>手机号（完整）</translation>
    </message>
    <message>
        <source>SKU or merchant code</source>
        <translation>SKU 或商家编码</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省份</translation>
    </message>
    <message>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Amount from</source>
        <translation>金额从</translation>
    </message>
    <message>
        <source>Amount to</source>
        <translation>金额到</translation>
    </message>
    <message>
        <source>Any hold reason</source>
        <translation>任意挂起原因</translation>
    </message>
    <message>
        <source>Message: any</source>
        <translation>留言：不限</translation>
    </message>
    <message>
        <source>With buyer message</source>
        <translation>有买家留言</translation>
    </message>
    <message>
        <source>Without buyer message</source>
        <translation>无买家留言</translation>
    </message>
    <message>
        <source>Saved filters…</source>
        <translation>已存筛选…</translation>
    </message>
    <message>
        <source>Save filter</source>
        <translation>保存筛选</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Paid from</source>
        <translation>付款从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Modified from</source>
        <translation>修改从</translation>
    </message>
    <message>
        <source>Apply to the whole filter result</source>
        <translation>应用到全部筛选结果</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <source>Hold…</source>
        <translation>挂起…</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>解除挂起</translation>
    </message>
    <message>
        <source>Courier…</source>
        <translation>快递…</translation>
    </message>
    <message>
        <source>Warehouse…</source>
        <translation>仓库…</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合单</translation>
    </message>
    <message>
        <source>Undo merge</source>
        <translation>撤销合单</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>标签…</translation>
    </message>
    <message>
        <source>Re-run rules</source>
        <translation>重新审单</translation>
    </message>
    <message>
        <source>Print waybills…</source>
        <translation>打印面单…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Held: unmapped SKU</source>
        <translation>挂起：未对应商品</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>All shops</source>
        <translation>全部店铺</translation>
    </message>
    <message>
        <source>All couriers</source>
        <translation>全部快递</translation>
    </message>
    <message>
        <source>All warehouses</source>
        <translation>全部仓库</translation>
    </message>
    <message>
        <source>All platforms</source>
        <translation>全部平台</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Select the orders to print first.</source>
        <translation>请先选择要打印的订单。</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>挂起</translation>
    </message>
    <message>
        <source>Reason for the hold:</source>
        <translation>挂起原因：</translation>
    </message>
    <message>
        <source>Tag to add:</source>
        <translation>要添加的标签：</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>快递</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Exported {n} orders to {path}.</source>
        <translation>已导出 {n} 个订单到 {path}。</translation>
    </message>
    <message>
        <source>Split…</source>
        <translation>拆单…</translation>
    </message>
    <message>
        <source>Order {id} has no open parcel to split.</source>
        <translation>订单 {id} 没有可拆的未发包裹。</translation>
    </message>
    <message>
        <source>Order {id} now ships in {n} parcels.</source>
        <translation>订单 {id} 现分 {n} 个包裹发货。</translation>
    </message>
    <message>
        <source>Select orders first (Space or click).</source>
        <translation>请先选择订单（空格或点击）。</translation>
    </message>
    <message>
        <source>Working on {n} orders…</source>
        <translation>正在处理 {n} 个订单…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>{action}: {done} of {total} done</source>
        <translation>{action}：已完成 {done} / {total}</translation>
    </message>
    <message>
        <source>; skipped: {skipped}</source>
        <translation>；跳过：{skipped}</translation>
    </message>
    <message>
        <source> (cancelled)</source>
        <translation>（已取消）</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>{shown} shown</source>
        <translation>已显示 {shown}</translation>
    </message>
    <message>
        <source>{shown} shown of {total}</source>
        <translation>已显示 {shown} / 共 {total}</translation>
    </message>
</context>
<context>
    <name>OrdersTableModel</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>店铺</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Held for</source>
        <translation>挂起原因</translation>
    </message>
    <message>
        <source>Paid at</source>
        <translation>付款时间</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Buyer</source>
        <translation>买家</translation>
    </message>
    <message>
        <source>Receiver</source>
        <translation>收件人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省份</translation>
    </message>
    <message>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>快递</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>留言</translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message>
        <source>Split order</source>
        <translation>拆单</translation>
    </message>
    <message>
        <source>Give each line the number of the parcel it ships in.</source>
        <translation>为每一行填写它所在的包裹序号。</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>明细</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Parcel</source>
        <translation>包裹</translation>
    </message>
</context>
<context>
    <name>BatchPrintPanel</name>
    <message>
        <source>Batch print</source>
        <translation>批量打印</translation>
    </message>
    <message>
        <source>Waybills</source>
        <translation>电子面单</translation>
    </message>
    <message>
        <source>Packing lists</source>
        <translation>发货清单</translation>
    </message>
    <message>
        <source>SKU labels</source>
        <translation>商品条码标签</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Approved parcels not printed yet</source>
        <translation>已审核、尚未打印的包裹</translation>
    </message>
    <message>
        <source>These orders (one number a line):</source>
        <translation>以下订单（每行一个单号）：</translation>
    </message>
    <message>
        <source>Our order numbers or the platform&apos;s order ids, pasted from a spreadsheet</source>
        <translation>本系统订单号或平台订单号，可从表格粘贴</translation>
    </message>
    <message>
        <source>Which</source>
        <translation>打印哪些</translation>
    </message>
    <message>
        <source>By courier</source>
        <translation>按快递公司</translation>
    </message>
    <message>
        <source>By SKU (for picking)</source>
        <translation>按商品（便于拣货）</translation>
    </message>
    <message>
        <source>By packing station</source>
        <translation>按打包台</translation>
    </message>
    <message>
        <source>As listed / oldest first</source>
        <translation>按列表顺序 / 最早的在前</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>These SKU codes (one a line):</source>
        <translation>以下商品编码（每行一个）：</translation>
    </message>
    <message>
        <source>Paste at least one number first.</source>
        <translation>请先粘贴至少一个单号。</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>Cancelling after the labels being sent now…</source>
        <translation>正在发送的标签完成后取消…</translation>
    </message>
    <message>
        <source>Sent {sent} of {total}; queued {queued}, failed {failed}, cancelled {cancelled}.</source>
        <translation>已发送 {sent} / {total}；排队 {queued}，失败 {failed}，已取消 {cancelled}。</translation>
    </message>
    <message>
        <source>Nothing to print: every approved parcel has its label.</source>
        <translation>没有要打印的：所有已审核的包裹都已打印标签。</translation>
    </message>
    <message>
        <source>{n} parcel(s) skipped: another station is printing them.</source>
        <translation>已跳过 {n} 个包裹：另一个工作台正在打印。</translation>
    </message>
    <message>
        <source>{n} order(s) had no waybill number yet and printed without one.</source>
        <translation>{n} 个订单尚无运单号，已不带运单号打印。</translation>
    </message>
</context>
<context>
    <name>PrintJobTableModel</name>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发送时间</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Waybill</source>
        <translation>电子面单</translation>
    </message>
    <message>
        <source>Packing list</source>
        <translation>发货清单</translation>
    </message>
    <message>
        <source>SKU label</source>
        <translation>商品条码标签</translation>
    </message>
    <message>
        <source>the program stopped while sending this job; the label may have printed — check it and reprint if needed</source>
        <translation>程序在发送此任务时中断；标签可能已打印——请检查，如有需要请重打</translation>
    </message>
    <message>
        <source>printed by another batch</source>
        <translation>已由另一批次打印</translation>
    </message>
    <message>
        <source>order {id}</source>
        <translation>订单 {id}</translation>
    </message>
    <message>
        <source>parcel {id}</source>
        <translation>包裹 {id}</translation>
    </message>
    <message>
        <source>(reprint of {job}: {reason})</source>
        <translation>（重打任务 {job}：{reason}）</translation>
    </message>
    <message>
        <source>(may have printed)</source>
        <translation>（可能已打印）</translation>
    </message>
</context>
<context>
    <name>PrintOrdersDialog</name>
    <message>
        <source>Print orders</source>
        <translation>打印订单</translation>
    </message>
</context>
<context>
    <name>PrintingPage</name>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Send again jobs that printed nothing (a job already sent needs a reprint)</source>
        <translation>重新发送未打印的任务（已发送的任务需要重打）</translation>
    </message>
    <message>
        <source>Reprint…</source>
        <translation>重打…</translation>
    </message>
    <message>
        <source>Cancel queued</source>
        <translation>取消排队任务</translation>
    </message>
    <message>
        <source>Mark as printed</source>
        <translation>标记为已打印</translation>
    </message>
    <message>
        <source>The labels came out right (sent → confirmed)</source>
        <translation>标签已正确打出（已发送 → 已确认）</translation>
    </message>
    <message>
        <source>Print queue</source>
        <translation>打印队列</translation>
    </message>
    <message>
        <source>Template preview</source>
        <translation>模板预览</translation>
    </message>
    <message>
        <source>{n} job(s)</source>
        <translation>{n} 个任务</translation>
    </message>
    <message>
        <source>Select the jobs to retry first.</source>
        <translation>请先选择要重试的任务。</translation>
    </message>
    <message>
        <source>Retrying {n} job(s)…</source>
        <translation>正在重试 {n} 个任务…</translation>
    </message>
    <message>
        <source>Select the jobs to reprint first.</source>
        <translation>请先选择要重打的任务。</translation>
    </message>
    <message>
        <source>Job(s) {jobs} printed nothing yet: use Retry, not Reprint.</source>
        <translation>任务 {jobs} 尚未打印任何内容：请使用“重试”，而不是“重打”。</translation>
    </message>
    <message>
        <source>Select the queued jobs to cancel first.</source>
        <translation>请先选择要取消的排队任务。</translation>
    </message>
    <message>
        <source>{n} queued job(s) cancelled.</source>
        <translation>已取消 {n} 个排队任务。</translation>
    </message>
    <message>
        <source>Select the sent jobs to confirm first.</source>
        <translation>请先选择要确认的已发送任务。</translation>
    </message>
    <message>
        <source>{n} job(s) marked as printed.</source>
        <translation>已将 {n} 个任务标记为已打印。</translation>
    </message>
    <message>
        <source>{n} job(s) wait in the queue. Switch the printer on, then press Retry.</source>
        <translation>{n} 个任务在队列中等待。请打开打印机，然后点击“重试”。</translation>
    </message>
    <message>
        <source>Sent {sent}, still queued {queued}, failed {failed}.</source>
        <translation>已发送 {sent}，仍在排队 {queued}，失败 {failed}。</translation>
    </message>
</context>
<context>
    <name>ReprintDialog</name>
    <message>
        <source>Reprint</source>
        <translation>重打</translation>
    </message>
    <message>
        <source>Why print job(s) {jobs} again?</source>
        <translation>为什么要再次打印任务 {jobs}？</translation>
    </message>
    <message>
        <source>e.g. the label jammed, the box was re-packed</source>
        <translation>例如：标签卡纸、包裹重新打包</translation>
    </message>
</context>
<context>
    <name>TemplatePreviewPanel</name>
    <message>
        <source>The preview needs pypdfium2 (or PySide6 with QtPdf); printing works without it.</source>
        <translation>预览需要 pypdfium2（或带 QtPdf 的 PySide6）；没有它也可以打印。</translation>
    </message>
</context>
<context>
    <name>_PartEditor</name>
    <message>
        <source>Not</source>
        <translation>不满足</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>RuleEditorDialog</name>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>When all of these hold</source>
        <translation>同时满足以下条件时</translation>
    </message>
    <message>
        <source>Then</source>
        <translation>则执行</translation>
    </message>
    <message>
        <source>Add condition</source>
        <translation>添加条件</translation>
    </message>
    <message>
        <source>Remove condition</source>
        <translation>删除条件</translation>
    </message>
    <message>
        <source>Add action</source>
        <translation>添加动作</translation>
    </message>
    <message>
        <source>Remove action</source>
        <translation>删除动作</translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <source>Review rules</source>
        <translation>审单规则</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Gift rules</source>
        <translation>赠品规则</translation>
    </message>
    <message>
        <source>Dry run of the drafts</source>
        <translation>试运行草稿</translation>
    </message>
    <message>
        <source>Cancel the dry run</source>
        <translation>取消试运行</translation>
    </message>
    <message>
        <source>%v of %m orders</source>
        <translation>%v / %m 单</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Merge and split…</source>
        <translation>合单与拆单…</translation>
    </message>
    <message>
        <source>Orders of the last</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>%1: the draft has changes that are not saved.</source>
        <translation>%1：草稿有尚未保存的修改。</translation>
    </message>
    <message>
        <source>Merge and split settings saved.</source>
        <translation>合单与拆单设置已保存。</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>%1 orders: %2 approved, %3 held, %4 re-routed. Held: %5</source>
        <translation>共 %1 单：通过 %2，挂起 %3，改派 %4。挂起原因：%5</translation>
    </message>
    <message>
        <source>Cancelled after %1 orders.</source>
        <translation>已取消，已试运行 %1 单。</translation>
    </message>
    <message>
        <source>Rules…</source>
        <translation>规则…</translation>
    </message>
</context>
<context>
    <name>RuleWords</name>
    <message>
        <source>Shop</source>
        <translation>店铺</translation>
    </message>
    <message>
        <source>Shops</source>
        <translation>店铺（逗号分隔）</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <source>Platforms</source>
        <translation>平台（逗号分隔）</translation>
    </message>
    <message>
        <source>Paid amount</source>
        <translation>实付金额</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Province / region</source>
        <translation>省份 / 地区</translation>
    </message>
    <message>
        <source>Regions</source>
        <translation>地区（逗号分隔）</translation>
    </message>
    <message>
        <source>Buyer message</source>
        <translation>买家留言</translation>
    </message>
    <message>
        <source>Contains (empty: any message)</source>
        <translation>包含（留空：有留言即可）</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>SKUs</source>
        <translation>SKU（逗号分隔）</translation>
    </message>
    <message>
        <source>SKU group</source>
        <translation>SKU 分组</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Weight (g)</source>
        <translation>重量（克）</translation>
    </message>
    <message>
        <source>Remote region</source>
        <translation>偏远地区</translation>
    </message>
    <message>
        <source>Cash on delivery</source>
        <translation>货到付款</translation>
    </message>
    <message>
        <source>Pre-sale</source>
        <translation>预售</translation>
    </message>
    <message>
        <source>Buyer on the blacklist</source>
        <translation>黑名单买家</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>挂起</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Assign courier</source>
        <translation>指定快递</translation>
    </message>
    <message>
        <source>Courier code</source>
        <translation>快递代码</translation>
    </message>
    <message>
        <source>Assign warehouse</source>
        <translation>指定仓库</translation>
    </message>
    <message>
        <source>Warehouse code</source>
        <translation>仓库代码</translation>
    </message>
    <message>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Set priority</source>
        <translation>设置优先级</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Add gift</source>
        <translation>添加赠品</translation>
    </message>
    <message>
        <source>Gift SKU</source>
        <translation>赠品 SKU</translation>
    </message>
    <message>
        <source>not %1</source>
        <translation>非 %1</translation>
    </message>
    <message>
        <source> and </source>
        <translation> 且 </translation>
    </message>
    <message>
        <source>always</source>
        <translation>总是</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>不做任何事</translation>
    </message>
    <message>
        <source>shop %1</source>
        <translation>店铺 %1</translation>
    </message>
    <message>
        <source>paid from %1</source>
        <translation>实付不低于 %1</translation>
    </message>
    <message>
        <source>paid up to %1</source>
        <translation>实付不高于 %1</translation>
    </message>
    <message>
        <source>bought %1</source>
        <translation>买了 %1</translation>
    </message>
    <message>
        <source>quantity from %1</source>
        <translation>数量不少于 %1</translation>
    </message>
    <message>
        <source>paid at or after %1</source>
        <translation>付款时间不早于 %1</translation>
    </message>
    <message>
        <source>paid before %1</source>
        <translation>付款时间早于 %1</translation>
    </message>
    <message>
        <source>first order of the buyer</source>
        <translation>买家首单</translation>
    </message>
    <message>
        <source>at most %1 per buyer</source>
        <translation>每个买家最多 %1 次</translation>
    </message>
    <message>
        <source>at most %1 in total</source>
        <translation>总共最多 %1 次</translation>
    </message>
    <message>
        <source>no gift rule below</source>
        <translation>不再执行下面的赠品规则</translation>
    </message>
</context>
<context>
    <name>AdjustReason</name>
    <message>
        <source>Count surplus</source>
        <translation>盘盈</translation>
    </message>
    <message>
        <source>Count shortage</source>
        <translation>盘亏</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>损坏</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>过期</translation>
    </message>
    <message>
        <source>Sample or internal use</source>
        <translation>样品或内部领用</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>找到</translation>
    </message>
    <message>
        <source>Booking correction</source>
        <translation>记账更正</translation>
    </message>
    <message>
        <source>Other (say why)</source>
        <translation>其他（请说明）</translation>
    </message>
</context>
<context>
    <name>AdjustTab</name>
    <message>
        <source>Scan or type a SKU code or barcode, Enter</source>
        <translation>扫描或输入商品编码或条码，回车</translation>
    </message>
    <message>
        <source>Change by</source>
        <translation>增减数量</translation>
    </message>
    <message>
        <source>Set to counted quantity</source>
        <translation>设为实盘数量</translation>
    </message>
    <message>
        <source>Details (required for Other)</source>
        <translation>说明（选“其他”时必填）</translation>
    </message>
    <message>
        <source>Apply adjustment (Ctrl+Enter)</source>
        <translation>执行调整 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Current stock</source>
        <translation>当前库存</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Type the quantity and pick the reason</source>
        <translation>请输入数量并选择原因</translation>
    </message>
    <message>
        <source>On hand {on_hand}, reserved {reserved}, available {available}</source>
        <translation>实际库存 {on_hand}，占用 {reserved}，可用 {available}</translation>
    </message>
    <message>
        <source>Scan a SKU first</source>
        <translation>请先扫描商品</translation>
    </message>
    <message>
        <source>Say why in the details</source>
        <translation>请在说明中写明原因</translation>
    </message>
    <message>
        <source>The change must not be zero</source>
        <translation>调整数量不能为零</translation>
    </message>
    <message>
        <source>Change {sku} in {warehouse} by {delta} ({reason})?</source>
        <translation>将 {warehouse} 的 {sku} 调整 {delta}（{reason}）？</translation>
    </message>
    <message>
        <source>Set {sku} in {warehouse} to {qty} ({reason})?</source>
        <translation>将 {warehouse} 的 {sku} 设为 {qty}（{reason}）？</translation>
    </message>
    <message>
        <source>Adjusted. Now: {balance}</source>
        <translation>已调整。现在：{balance}</translation>
    </message>
</context>
<context>
    <name>GiftRuleEditorDialog</name>
    <message>
        <source>Gift rule</source>
        <translation>赠品规则</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Stop here (no gift rule below applies)</source>
        <translation>到此为止（下面的赠品规则不再执行）</translation>
    </message>
    <message>
        <source>Shop names or ids, comma separated (empty: every shop)</source>
        <translation>店铺名称或编号，逗号分隔（留空：所有店铺）</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>SKU codes, comma separated (empty: any order)</source>
        <translation>SKU 编码，逗号分隔（留空：任何订单）</translation>
    </message>
    <message>
        <source>At least</source>
        <translation>至少</translation>
    </message>
    <message>
        <source>YYYY-MM-DD HH:MM (Beijing time)</source>
        <translation>YYYY-MM-DD HH:MM（北京时间）</translation>
    </message>
    <message>
        <source>Only the first order of a buyer</source>
        <translation>仅限买家首单</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Gift SKU</source>
        <translation>赠品 SKU</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Add gift</source>
        <translation>添加赠品</translation>
    </message>
    <message>
        <source>Remove gift</source>
        <translation>删除赠品</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Shops</source>
        <translation>店铺</translation>
    </message>
    <message>
        <source>Paid amount</source>
        <translation>实付金额</translation>
    </message>
    <message>
        <source>SKUs bought</source>
        <translation>购买的 SKU</translation>
    </message>
    <message>
        <source>Quantity of them</source>
        <translation>购买数量</translation>
    </message>
    <message>
        <source>Paid between</source>
        <translation>付款时间</translation>
    </message>
    <message>
        <source>Limit per buyer</source>
        <translation>每个买家限送</translation>
    </message>
    <message>
        <source>Limit in total</source>
        <translation>总共限送</translation>
    </message>
    <message>
        <source>Gifts</source>
        <translation>赠品</translation>
    </message>
</context>
<context>
    <name>Purchasing</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Placed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>Partly received</source>
        <translation>部分入库</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已入库</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>已计数</translation>
    </message>
    <message>
        <source>More than ordered</source>
        <translation>超出采购数量</translation>
    </message>
    <message>
        <source>Unknown code</source>
        <translation>未知条码</translation>
    </message>
    <message>
        <source>Not on this purchase order</source>
        <translation>不在本采购单上</translation>
    </message>
    <message>
        <source>A bundle: receive its components</source>
        <translation>组合装：请按子商品入库</translation>
    </message>
</context>
<context>
    <name>PurchaseOrderDialog</name>
    <message>
        <source>Purchase order {number}</source>
        <translation>采购单 {number}</translation>
    </message>
    <message>
        <source>New purchase order</source>
        <translation>新建采购单</translation>
    </message>
    <message>
        <source>Expected on</source>
        <translation>预计到货</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Arrival</source>
        <translation>到货日期</translation>
    </message>
    <message>
        <source>Remark</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>scan or type a SKU code or barcode, then Enter</source>
        <translation>扫描或输入商品编码/条码，然后回车</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit cost</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>No SKU {code}</source>
        <translation>没有商品 {code}</translation>
    </message>
    <message>
        <source>{code} is a bundle: order its components</source>
        <translation>{code} 是组合装：请采购其子商品</translation>
    </message>
    <message>
        <source>{lines} lines, {units} units, amount {amount}</source>
        <translation>共 {lines} 行，{units} 件，金额 {amount}</translation>
    </message>
    <message>
        <source>Add a supplier first (Suppliers tab).</source>
        <translation>请先添加供应商（供应商页签）。</translation>
    </message>
    <message>
        <source>Add at least one line.</source>
        <translation>至少添加一行商品。</translation>
    </message>
    <message>
        <source>Line {code}: quantity must be a whole number above 0 and the cost an amount</source>
        <translation>{code} 行：数量必须是大于 0 的整数，单价必须是金额</translation>
    </message>
</context>
<context>
    <name>PurchaseOrdersTab</name>
    <message>
        <source>Open (draft, placed, partly received)</source>
        <translation>未完成（草稿、已审核、部分入库）</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>PO number or supplier</source>
        <translation>采购单号或供应商</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Cancel PO</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>强制完成</translation>
    </message>
    <message>
        <source>Receive</source>
        <translation>验货入库</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>采购数</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已入库</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>预计到货</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Remark</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未到</translation>
    </message>
    <message>
        <source>Over</source>
        <translation>超收</translation>
    </message>
    <message>
        <source>Unit cost</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>{n} purchase orders</source>
        <translation>{n} 张采购单</translation>
    </message>
    <message>
        <source>Purchase order {number} saved.</source>
        <translation>采购单 {number} 已保存。</translation>
    </message>
    <message>
        <source>Purchase order {number} placed: its quantities are in transit.</source>
        <translation>采购单 {number} 已审核：数量已计入在途。</translation>
    </message>
    <message>
        <source>Cancel purchase order</source>
        <translation>作废采购单</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Purchase order {number} cancelled.</source>
        <translation>采购单 {number} 已作废。</translation>
    </message>
    <message>
        <source>Close purchase order</source>
        <translation>强制完成采购单</translation>
    </message>
    <message>
        <source>The rest will not come. Reason:</source>
        <translation>剩余商品不再到货。原因：</translation>
    </message>
    <message>
        <source>Purchase order {number} closed.</source>
        <translation>采购单 {number} 已强制完成。</translation>
    </message>
    <message>
        <source>Export the purchase order</source>
        <translation>导出采购单</translation>
    </message>
    <message>
        <source>Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Purchase order {number}: {n} lines written to {path}.</source>
        <translation>采购单 {number}：已导出 {n} 行到 {path}。</translation>
    </message>
</context>
<context>
    <name>ReturnCondition</name>
    <message>
        <source>Good: back into stock</source>
        <translation>完好：退回库存</translation>
    </message>
    <message>
        <source>Damaged: damaged-goods warehouse</source>
        <translation>损坏：进次品仓</translation>
    </message>
    <message>
        <source>Written off</source>
        <translation>报废</translation>
    </message>
</context>
<context>
    <name>ReturnStatus</name>
    <message>
        <source>Received</source>
        <translation>已入库</translation>
    </message>
    <message>
        <source>Unknown parcel</source>
        <translation>无头件</translation>
    </message>
    <message>
        <source>Matched later</source>
        <translation>已匹配</translation>
    </message>
</context>
<context>
    <name>RefundState</name>
    <message>
        <source>No refund</source>
        <translation>无退款</translation>
    </message>
    <message>
        <source>Refund requested</source>
        <translation>退款申请中</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>Refund rejected</source>
        <translation>退款被拒</translation>
    </message>
</context>
<context>
    <name>ReturnsTab</name>
    <message>
        <source>Scan the waybill or type the order number, then scan the items</source>
        <translation>扫描运单号或输入订单号，再扫描商品</translation>
    </message>
    <message>
        <source>No order</source>
        <translation>未选订单</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>赠品</translation>
    </message>
    <message>
        <source>Shipped</source>
        <translation>已发货</translation>
    </message>
    <message>
        <source>Returned before</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Can return</source>
        <translation>可退</translation>
    </message>
    <message>
        <source>Return now</source>
        <translation>本次退回</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
    <message>
        <source>The return parcel&apos;s tracking number</source>
        <translation>退货包裹的快递单号</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Receive return (Ctrl+Enter)</source>
        <translation>退货入库 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Quantity per scan</source>
        <translation>每次扫描数量</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Unknown parcel (no matching order)</source>
        <translation>无头件（没有匹配的订单）</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Record unknown parcel</source>
        <translation>登记无头件</translation>
    </message>
    <message>
        <source>Tracking number</source>
        <translation>快递单号</translation>
    </message>
    <message>
        <source>Kept in</source>
        <translation>存放仓库</translation>
    </message>
    <message>
        <source>All returns</source>
        <translation>全部退货</translation>
    </message>
    <message>
        <source>Unknown parcels</source>
        <translation>无头件</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tracking</source>
        <translation>快递单号</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Order number or waybill of the selected unknown parcel</source>
        <translation>所选无头件的订单号或运单号</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>匹配</translation>
    </message>
    <message>
        <source>No order for {code}: scan the order&apos;s slip or waybill, or scan the items to record an unknown parcel</source>
        <translation>{code} 没有对应订单：请扫描订单的拣货单或运单，或扫描商品登记无头件</translation>
    </message>
    <message>
        <source>Unknown code {code}</source>
        <translation>未知编码 {code}</translation>
    </message>
    <message>
        <source>{order} ({status}), buyer {buyer}</source>
        <translation>{order}（{status}），买家 {buyer}</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Nothing of this order has been shipped</source>
        <translation>此订单没有已发货的商品</translation>
    </message>
    <message>
        <source>Everything shipped has already come back</source>
        <translation>已发货的商品都已退回</translation>
    </message>
    <message>
        <source>Scan the returned items ({n} can come back)</source>
        <translation>请扫描退回的商品（最多可退 {n} 件）</translation>
    </message>
    <message>
        <source>{sku}: {n} to return</source>
        <translation>{sku}：本次退回 {n}</translation>
    </message>
    <message>
        <source>{sku}: more than can come back on this order</source>
        <translation>{sku}：超过此订单可退数量</translation>
    </message>
    <message>
        <source>Scan or type what came back first</source>
        <translation>请先扫描或输入退回的商品</translation>
    </message>
    <message>
        <source>Take back {units} units ({damaged} not good) of this order?</source>
        <translation>确认此订单退回 {units} 件（其中 {damaged} 件非完好）？</translation>
    </message>
    <message>
        <source>Return {number}: {units} units taken back</source>
        <translation>退货单 {number}：已退回 {units} 件</translation>
    </message>
    <message>
        <source>{sku}: {n} in the unknown parcel</source>
        <translation>{sku}：无头件中 {n} 件</translation>
    </message>
    <message>
        <source>Scan or type the parcel&apos;s tracking number</source>
        <translation>请扫描或输入包裹的快递单号</translation>
    </message>
    <message>
        <source>Record unknown parcel {tracking} with {units} units?</source>
        <translation>登记无头件 {tracking}，共 {units} 件？</translation>
    </message>
    <message>
        <source>Unknown parcel recorded as {number}</source>
        <translation>无头件已登记为 {number}</translation>
    </message>
    <message>
        <source>Select an unknown parcel and type its order number or waybill</source>
        <translation>请选择一个无头件并输入其订单号或运单号</translation>
    </message>
    <message>
        <source>Match {number} to {code}?</source>
        <translation>将 {number} 匹配到 {code}？</translation>
    </message>
    <message>
        <source>{number} matched to order {order}</source>
        <translation>{number} 已匹配到订单 {order}</translation>
    </message>
</context>
<context>
    <name>RuleListPanel</name>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Enable / disable</source>
        <translation>启用 / 停用</translation>
    </message>
    <message>
        <source>What changed (comment)</source>
        <translation>修改说明</translation>
    </message>
    <message>
        <source>Save as new version</source>
        <translation>保存为新版本</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Saved at</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Show in the editor</source>
        <translation>在编辑区显示</translation>
    </message>
    <message>
        <source>Restore as new version</source>
        <translation>恢复为新版本</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>版本历史</translation>
    </message>
    <message>
        <source>Draft changed: not saved yet.</source>
        <translation>草稿已修改，尚未保存。</translation>
    </message>
    <message>
        <source>Saved as version %1.</source>
        <translation>已保存为版本 %1。</translation>
    </message>
    <message>
        <source>Showing version %1: not saved yet.</source>
        <translation>正在显示版本 %1，尚未保存。</translation>
    </message>
    <message>
        <source>restored version %1</source>
        <translation>恢复版本 %1</translation>
    </message>
</context>
<context>
    <name>StockColumns</name>
    <message>
        <source>SKU code</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Barcodes</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>成本价</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>On hand</source>
        <translation>实际库存</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>占用</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>可用库存</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>在途</translation>
    </message>
    <message>
        <source>Days of cover (30 days)</source>
        <translation>可售天数（近30天）</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>库存金额</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>流水号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>On hand ±</source>
        <translation>实际库存增减</translation>
    </message>
    <message>
        <source>Reserved ±</source>
        <translation>占用增减</translation>
    </message>
    <message>
        <source>In transit ±</source>
        <translation>在途增减</translation>
    </message>
    <message>
        <source>Document type</source>
        <translation>单据类型</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>单据号</translation>
    </message>
    <message>
        <source>User</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Opening</source>
        <translation>期初</translation>
    </message>
    <message>
        <source>Closing</source>
        <translation>期末</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>销量</translation>
    </message>
    <message>
        <source>Turnover rate</source>
        <translation>周转率</translation>
    </message>
    <message>
        <source>Turnover days</source>
        <translation>周转天数</translation>
    </message>
    <message>
        <source>Days of cover</source>
        <translation>可售天数</translation>
    </message>
</context>
<context>
    <name>SkuLabelsTab</name>
    <message>
        <source>SKU code, barcode or name</source>
        <translation>商品编码、条码或名称</translation>
    </message>
    <message>
        <source>Copies per SKU</source>
        <translation>每个商品份数</translation>
    </message>
    <message>
        <source>Code 128 (SKU code)</source>
        <translation>Code 128（商品编码）</translation>
    </message>
    <message>
        <source>EAN-13 (product barcode)</source>
        <translation>EAN-13（商品条码）</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>Print labels</source>
        <translation>打印标签</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Select at least one SKU first.</source>
        <translation>请先选择至少一个商品。</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>Sent {sent} of {total}; queued {queued}, failed {failed}.</source>
        <translation>已发送 {sent}/{total}；排队 {queued}，失败 {failed}。</translation>
    </message>
</context>
<context>
    <name>BalancesTab</name>
    <message>
        <source>SKU code, barcode or name</source>
        <translation>商品编码、条码或名称</translation>
    </message>
    <message>
        <source>Available ≤</source>
        <translation>可用库存 ≤</translation>
    </message>
    <message>
        <source>Only with reserved</source>
        <translation>仅有占用</translation>
    </message>
    <message>
        <source>Only in transit</source>
        <translation>仅有在途</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>{rows} rows · on hand {units} · value {value}</source>
        <translation>{rows} 行 · 实际库存 {units} · 金额 {value}</translation>
    </message>
    <message>
        <source>{shown} of {total} shown</source>
        <translation>已显示 {shown} / {total}</translation>
    </message>
    <message>
        <source>Below alert minimum</source>
        <translation>低于预警下限</translation>
    </message>
</context>
<context>
    <name>DocTab</name>
    <message>
        <source>Please confirm</source>
        <translation>请确认</translation>
    </message>
</context>
<context>
    <name>MoveKind</name>
    <message>
        <source>Receipt</source>
        <translation>入库</translation>
    </message>
    <message>
        <source>Shipment</source>
        <translation>出库</translation>
    </message>
    <message>
        <source>Adjustment</source>
        <translation>调整</translation>
    </message>
    <message>
        <source>Transfer out</source>
        <translation>调拨出库</translation>
    </message>
    <message>
        <source>Transfer in</source>
        <translation>调拨入库</translation>
    </message>
    <message>
        <source>Reserve</source>
        <translation>占用</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>释放占用</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退货入库</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>在途</translation>
    </message>
    <message>
        <source>Stocktake</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Opening</source>
        <translation>期初</translation>
    </message>
</context>
<context>
    <name>LedgerTab</name>
    <message>
        <source>SKU code or barcode</source>
        <translation>商品编码或条码</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>Document type</source>
        <translation>单据类型</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>单据号</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Copied {doc_type} {doc_id}</source>
        <translation>已复制 {doc_type} {doc_id}</translation>
    </message>
</context>
<context>
    <name>ExportBar</name>
    <message>
        <source>Export Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写入文件。</translation>
    </message>
    <message>
        <source>{n} rows written to {path}</source>
        <translation>已写入 {n} 行到 {path}</translation>
    </message>
</context>
<context>
    <name>StockPage</name>
    <message>
        <source>Balances</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>出入库流水</translation>
    </message>
    <message>
        <source>Turnover</source>
        <translation>周转</translation>
    </message>
    <message>
        <source>SKUs</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Stocktake</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>调拨</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退货入库</translation>
    </message>
    <message>
        <source>Adjustments</source>
        <translation>调整</translation>
    </message>
</context>
<context>
    <name>TurnoverTab</name>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} 天</translation>
    </message>
    <message>
        <source>SKU code, barcode or name</source>
        <translation>商品编码、条码或名称</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Slow movers first: stock that did not sell at the top.</source>
        <translation>滞销在前：未售出的库存排在最上面。</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>{n} rows, slow movers first.</source>
        <translation>{n} 行，滞销在前。</translation>
    </message>
</context>
<context>
    <name>TransferStatus</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Shipped, in transit</source>
        <translation>已出库，在途</translation>
    </message>
    <message>
        <source>Partly received</source>
        <translation>部分入库</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已入库</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>TransfersTab</name>
    <message>
        <source>Open (not yet received)</source>
        <translation>未完成（未入库）</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>From</source>
        <translation>调出仓</translation>
    </message>
    <message>
        <source>To</source>
        <translation>调入仓</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>No transfer open</source>
        <translation>未打开调拨单</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Shipped</source>
        <translation>已出库</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已入库</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>在途</translation>
    </message>
    <message>
        <source>Arrived now</source>
        <translation>本次到货</translation>
    </message>
    <message>
        <source>Ship (transfer out)</source>
        <translation>调拨出库</translation>
    </message>
    <message>
        <source>Receive (transfer in)</source>
        <translation>调拨入库</translation>
    </message>
    <message>
        <source>Cancel transfer</source>
        <translation>取消调拨</translation>
    </message>
    <message>
        <source>Write the shortfall off as lost</source>
        <translation>短缺按丢失核销</translation>
    </message>
    <message>
        <source>Reason (loss or cancellation)</source>
        <translation>原因（丢失或取消）</translation>
    </message>
    <message>
        <source>Scan an item, a transfer number, or type and Enter</source>
        <translation>扫描商品或调拨单号，或输入后回车</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Create transfer</source>
        <translation>创建调拨单</translation>
    </message>
    <message>
        <source>New transfer</source>
        <translation>新建调拨单</translation>
    </message>
    <message>
        <source>From → to</source>
        <translation>调出 → 调入</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Quantity per scan</source>
        <translation>每次扫描数量</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Scans add items to the new transfer</source>
        <translation>扫描的商品加入新调拨单</translation>
    </message>
    <message>
        <source>{number}: {source} → {target}, {status}</source>
        <translation>{number}：{source} → {target}，{status}</translation>
    </message>
    <message>
        <source>Scans count arrived items of {number}</source>
        <translation>扫描计入 {number} 的到货</translation>
    </message>
    <message>
        <source>{sku}: {count} counted but only {transit} in transit</source>
        <translation>{sku}：已点 {count}，但在途仅 {transit}</translation>
    </message>
    <message>
        <source>{sku}: {count} of {transit} arrived</source>
        <translation>{sku}：到货 {count} / {transit}</translation>
    </message>
    <message>
        <source>{sku} is not on this transfer</source>
        <translation>{sku} 不在此调拨单上</translation>
    </message>
    <message>
        <source>{sku}: {qty} on the new transfer</source>
        <translation>{sku}：新调拨单上 {qty} 件</translation>
    </message>
    <message>
        <source>Scan the items to transfer first</source>
        <translation>请先扫描要调拨的商品</translation>
    </message>
    <message>
        <source>Transfer {number} created: ship it when it leaves</source>
        <translation>调拨单 {number} 已创建：发出时请出库</translation>
    </message>
    <message>
        <source>Ship {number}: {units} units leave {source}?</source>
        <translation>{number} 出库：{units} 件离开 {source}？</translation>
    </message>
    <message>
        <source>{number} shipped: in transit</source>
        <translation>{number} 已出库：在途</translation>
    </message>
    <message>
        <source>{sku}: type a whole number of arrived units</source>
        <translation>{sku}：请输入到货的整数数量</translation>
    </message>
    <message>
        <source>A loss needs a reason</source>
        <translation>核销丢失需要填写原因</translation>
    </message>
    <message>
        <source>Scan or type what arrived first</source>
        <translation>请先扫描或输入到货商品</translation>
    </message>
    <message>
        <source>Receive {units} of {transit} units into {target}?</source>
        <translation>将 {transit} 件中的 {units} 件入库到 {target}？</translation>
    </message>
    <message>
        <source>{short} units will be written off as lost.</source>
        <translation>{short} 件将按丢失核销。</translation>
    </message>
    <message>
        <source>{number}: {status}</source>
        <translation>{number}：{status}</translation>
    </message>
    <message>
        <source>Cancel {number}? The goods in transit go back to {source}.</source>
        <translation>取消 {number}？在途商品将退回 {source}。</translation>
    </message>
    <message>
        <source>Cancel {number}?</source>
        <translation>取消 {number}？</translation>
    </message>
</context>
<context>
    <name>ReceivingTab</name>
    <message>
        <source>Receiving report</source>
        <translation>验货报告</translation>
    </message>
    <message>
        <source>Purchase order</source>
        <translation>采购单</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Scans</source>
        <translation>扫描次数</translation>
    </message>
    <message>
        <source>Remark</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>采购数</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>此前已收</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>本次</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>未到</translation>
    </message>
    <message>
        <source>Over</source>
        <translation>超收</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Flagged scans (not stocked unless accepted)</source>
        <translation>异常扫描（未经确认不入库）</translation>
    </message>
    <message>
        <source>Choose or scan a purchase order to receive</source>
        <translation>选择或扫描要验货的采购单</translation>
    </message>
    <message>
        <source>Start receiving</source>
        <translation>开始验货</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Received before</source>
        <translation>此前已收</translation>
    </message>
    <message>
        <source>Flagged scans (not stocked)</source>
        <translation>异常扫描（不入库）</translation>
    </message>
    <message>
        <source>type a number, then scan: counts that many</source>
        <translation>先输入数量再扫描：按该数量计数</translation>
    </message>
    <message>
        <source>a label that does not scan: type its code, then Enter</source>
        <translation>条码扫不出：手工输入编码后回车</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Accept over-received units into stock</source>
        <translation>超收商品也入库</translation>
    </message>
    <message>
        <source>Undo last scan (Ctrl+Z)</source>
        <translation>撤销上次扫描 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Post receipt (Ctrl+Enter)</source>
        <translation>确认入库 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Abandon session</source>
        <translation>放弃本次验货</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>验货报告…</translation>
    </message>
    <message>
        <source>Receiving {po}: scan the items</source>
        <translation>正在验货 {po}：请扫描商品</translation>
    </message>
    <message>
        <source>+{qty} {code} {name}: {now} of {ordered}</source>
        <translation>+{qty} {code} {name}：{now} / {ordered}</translation>
    </message>
    <message>
        <source>{reason}: {over} over, {counted} counted</source>
        <translation>{reason}：超出 {over}，计数 {counted}</translation>
    </message>
    <message>
        <source>Took back {code} ×{qty}</source>
        <translation>已撤销 {code} ×{qty}</translation>
    </message>
    <message>
        <source>Another station received part of this order meanwhile: {n} scans were judged again. Check, then post again.</source>
        <translation>另一个工位刚刚收了本采购单的部分商品：{n} 条扫描已重新判定。请检查后再次确认入库。</translation>
    </message>
    <message>
        <source>Posted: {received} received, {accepted} over accepted, {rejected} over rejected. Scan the next purchase order</source>
        <translation>已入库：实收 {received}，超收入库 {accepted}，超收拒收 {rejected}。请扫描下一张采购单</translation>
    </message>
    <message>
        <source>Session abandoned: nothing was stocked</source>
        <translation>已放弃本次验货：没有入库</translation>
    </message>
    <message>
        <source>Exported {n} rows to {path}</source>
        <translation>已导出 {n} 行到 {path}</translation>
    </message>
    <message>
        <source>Session {session} · {po} · {supplier} · into {warehouse} · {status}</source>
        <translation>验货单 {session} · {po} · {supplier} · 入 {warehouse} · {status}</translation>
    </message>
    <message>
        <source>Now {now} · remaining {remaining} · over {over} · flagged {flags}</source>
        <translation>本次 {now} · 未到 {remaining} · 超收 {over} · 异常 {flags}</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Receiving report</source>
        <translation>验货报告</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>导出验货报告</translation>
    </message>
    <message>
        <source>Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel (*.xlsx);;CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>SkuGroupsDialog</name>
    <message>
        <source>SKU groups</source>
        <translation>SKU 分组</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>SKU codes (comma separated)</source>
        <translation>SKU 编码（逗号分隔）</translation>
    </message>
    <message>
        <source>Add group</source>
        <translation>添加分组</translation>
    </message>
    <message>
        <source>Remove group</source>
        <translation>删除分组</translation>
    </message>
    <message>
        <source>Rule conditions of the kind SKU can name a group instead of listing codes.</source>
        <translation>“SKU”类条件可以写分组名，不必逐个列出编码。</translation>
    </message>
</context>
<context>
    <name>ReorderTab</name>
    <message>
        <source> days of sales</source>
        <translation> 天销量</translation>
    </message>
    <message>
        <source>All warehouses</source>
        <translation>全部仓库</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Each SKU&apos;s supplier</source>
        <translation>各商品的默认供应商</translation>
    </message>
    <message>
        <source>Draft purchase orders</source>
        <translation>生成采购单草稿</translation>
    </message>
    <message>
        <source>Order from</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>在途</translation>
    </message>
    <message>
        <source>On drafts</source>
        <translation>草稿中</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>销量</translation>
    </message>
    <message>
        <source>Per day</source>
        <translation>日均</translation>
    </message>
    <message>
        <source>Days of cover</source>
        <translation>可售天数</translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation>最低库存</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>建议采购</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Unit cost</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Stock alert settings of a SKU</source>
        <translation>商品库存预警设置</translation>
    </message>
    <message>
        <source>SKU code or barcode</source>
        <translation>商品编码或条码</translation>
    </message>
    <message>
        <source>supplier&apos;s</source>
        <translation>按供应商</translation>
    </message>
    <message>
        <source>Save alert</source>
        <translation>保存预警</translation>
    </message>
    <message>
        <source>Lead days</source>
        <translation>到货天数</translation>
    </message>
    <message>
        <source>Pack</source>
        <translation>整箱数</translation>
    </message>
    <message>
        <source>Working out suggestions…</source>
        <translation>正在计算采购建议…</translation>
    </message>
    <message>
        <source>{n} SKUs to reorder (sales over {days} days)</source>
        <translation>{n} 个商品需要补货（按 {days} 天销量）</translation>
    </message>
    <message>
        <source>Tick the SKUs to order first.</source>
        <translation>请先勾选要采购的商品。</translation>
    </message>
    <message>
        <source>Drafted {n} purchase orders: {numbers}</source>
        <translation>已生成 {n} 张采购单草稿：{numbers}</translation>
    </message>
    <message>
        <source>No supplier for: {codes} (choose one in &quot;Order from&quot; or link a supplier)</source>
        <translation>以下商品没有供应商：{codes}（请在“供应商”中选择一个，或设置默认供应商）</translation>
    </message>
    <message>
        <source>Alert of {sku} saved.</source>
        <translation>{sku} 的预警已保存。</translation>
    </message>
</context>
<context>
    <name>SuppliersTab</name>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <source>Lead time (days)</source>
        <translation>到货周期（天）</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>Save supplier</source>
        <translation>保存供应商</translation>
    </message>
    <message>
        <source>Default supplier of a SKU</source>
        <translation>商品的默认供应商</translation>
    </message>
    <message>
        <source>SKU code or barcode</source>
        <translation>商品编码或条码</translation>
    </message>
    <message>
        <source>the supplier&apos;s item code</source>
        <translation>供应商货号</translation>
    </message>
    <message>
        <source>last cost</source>
        <translation>最近进价</translation>
    </message>
    <message>
        <source>Set default supplier</source>
        <translation>设为默认供应商</translation>
    </message>
    <message>
        <source>Supplier {code} saved.</source>
        <translation>供应商 {code} 已保存。</translation>
    </message>
    <message>
        <source>The cost must be an amount, like 12.50</source>
        <translation>进价必须是金额，例如 12.50</translation>
    </message>
    <message>
        <source>{sku} is now bought from {supplier}.</source>
        <translation>{sku} 现在从 {supplier} 采购。</translation>
    </message>
</context>
<context>
    <name>PurchasingPage</name>
    <message>
        <source>Purchase orders</source>
        <translation>采购单</translation>
    </message>
    <message>
        <source>Receiving</source>
        <translation>验货入库</translation>
    </message>
    <message>
        <source>Reorder suggestions</source>
        <translation>采购建议</translation>
    </message>
    <message>
        <source>Suppliers</source>
        <translation>供应商</translation>
    </message>
</context>
<context>
    <name>ReviewRulesPanel</name>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>When</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Then</source>
        <translation>则执行</translation>
    </message>
    <message>
        <source>SKU groups…</source>
        <translation>SKU 分组…</translation>
    </message>
    <message>
        <source>Otherwise: approve</source>
        <translation>其余：自动审核通过</translation>
    </message>
    <message>
        <source>Otherwise: hold for a clerk</source>
        <translation>其余：挂起待人工审核</translation>
    </message>
    <message>
        <source>Default decision when no rule decides</source>
        <translation>没有规则作出决定时的默认处理</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>New rule</source>
        <translation>新规则</translation>
    </message>
    <message>
        <source>SKU groups (%1)…</source>
        <translation>SKU 分组 (%1)…</translation>
    </message>
</context>
<context>
    <name>GiftRulesPanel</name>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>When</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Gifts</source>
        <translation>赠品</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>New gift rule</source>
        <translation>新赠品规则</translation>
    </message>
</context>
<context>
    <name>StocktakeStatus</name>
    <message>
        <source>Counting</source>
        <translation>盘点中</translation>
    </message>
    <message>
        <source>Posted</source>
        <translation>已过账</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>StocktakeScope</name>
    <message>
        <source>All SKUs</source>
        <translation>全部SKU</translation>
    </message>
    <message>
        <source>Listed SKUs</source>
        <translation>指定SKU</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>库位</translation>
    </message>
</context>
<context>
    <name>StocktakeTab</name>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>实盘数</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>账面数</translation>
    </message>
    <message>
        <source>Stations</source>
        <translation>工作站</translation>
    </message>
    <message>
        <source>On hand now</source>
        <translation>当前实际库存</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>占用</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>差异金额</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Below reserved</source>
        <translation>低于占用</translation>
    </message>
    <message>
        <source>Not counted</source>
        <translation>未盘</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>盘点范围</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Counted / in scope</source>
        <translation>已盘 / 范围内</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>New count…</source>
        <translation>新建盘点…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>No count open</source>
        <translation>未打开盘点单</translation>
    </message>
    <message>
        <source>Counting</source>
        <translation>盘点扫描</translation>
    </message>
    <message>
        <source>Review and post</source>
        <translation>差异审核与过账</translation>
    </message>
    <message>
        <source>Open a count, then scan</source>
        <translation>请先打开盘点单，再扫描</translation>
    </message>
    <message>
        <source>Scan or type a barcode or SKU code, Enter</source>
        <translation>扫描或输入条码/SKU编码，按回车</translation>
    </message>
    <message>
        <source>Units for the next scan (then back to 1); 0 = looked, found none</source>
        <translation>下一次扫描的数量（之后恢复为1）；0 = 已查看，无货</translation>
    </message>
    <message>
        <source>Zone / location (optional)</source>
        <translation>区域 / 库位（可选）</translation>
    </message>
    <message>
        <source>Station {name}</source>
        <translation>工作站 {name}</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Count it as…</source>
        <translation>计入为…</translation>
    </message>
    <message>
        <source>Count the selected kept scans: say which SKU an unknown barcode is, or take a SKU that is not in this count into it</source>
        <translation>计入所选的待核查扫描：指明未知条码对应的SKU，或将不在本次盘点范围内的SKU纳入盘点</translation>
    </message>
    <message>
        <source>Recount at this station</source>
        <translation>本工作站复盘</translation>
    </message>
    <message>
        <source>Void this station&apos;s scans of the selected SKU</source>
        <translation>作废本工作站对所选SKU的扫描</translation>
    </message>
    <message>
        <source>Recount everywhere</source>
        <translation>全部工作站复盘</translation>
    </message>
    <message>
        <source>Void every station&apos;s scans of the selected SKU</source>
        <translation>作废所有工作站对所选SKU的扫描</translation>
    </message>
    <message>
        <source>Kept for review (not counted):</source>
        <translation>待核查（未计入盘点）：</translation>
    </message>
    <message>
        <source>Only differences</source>
        <translation>只看差异</translation>
    </message>
    <message>
        <source>Uncounted SKUs: count as zero</source>
        <translation>未盘SKU：按0处理</translation>
    </message>
    <message>
        <source>Uncounted SKUs: leave unchanged</source>
        <translation>未盘SKU：保持不变</translation>
    </message>
    <message>
        <source>Post differences…</source>
        <translation>差异过账…</translation>
    </message>
    <message>
        <source>Cancel count…</source>
        <translation>作废盘点单…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Stocktake</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>blind</source>
        <translation>盲盘</translation>
    </message>
    <message>
        <source>{number} · {warehouse} · {status}</source>
        <translation>{number} · {warehouse} · {status}</translation>
    </message>
    <message>
        <source>blind count</source>
        <translation>盲盘</translation>
    </message>
    <message>
        <source>Scan the goods</source>
        <translation>请扫描商品</translation>
    </message>
    <message>
        <source>This count is {status}</source>
        <translation>该盘点单{status}</translation>
    </message>
    <message>
        <source>Open a count first</source>
        <translation>请先打开盘点单</translation>
    </message>
    <message>
        <source>Unknown barcode {code}: kept for review, not counted</source>
        <translation>未知条码 {code}：已记录待核查，未计入</translation>
    </message>
    <message>
        <source>{sku} is not in this count: kept for review, not counted</source>
        <translation>{sku} 不在本次盘点范围内：已记录待核查，未计入</translation>
    </message>
    <message>
        <source>+{qty} {sku} {name} — counted {total}</source>
        <translation>+{qty} {sku} {name} — 已盘 {total}</translation>
    </message>
    <message>
        <source>{sku} {name}: none here — counted {total}</source>
        <translation>{sku} {name}：此处无货 — 已盘 {total}</translation>
    </message>
    <message>
        <source>{skus} SKUs, {units} units counted</source>
        <translation>已盘 {skus} 个SKU，共 {units} 件</translation>
    </message>
    <message>
        <source>Unknown barcode</source>
        <translation>未知条码</translation>
    </message>
    <message>
        <source>Not in this count</source>
        <translation>不在盘点范围</translation>
    </message>
    <message>
        <source>Select a counted SKU first</source>
        <translation>请先选择一个已盘SKU</translation>
    </message>
    <message>
        <source>Void every station&apos;s scans of {sku} and count it again?</source>
        <translation>作废所有工作站对 {sku} 的扫描并重新盘点？</translation>
    </message>
    <message>
        <source>Void this station&apos;s scans of {sku} and count it again?</source>
        <translation>作废本工作站对 {sku} 的扫描并重新盘点？</translation>
    </message>
    <message>
        <source>{units} units of {sku} voided: count it again</source>
        <translation>已作废 {sku} 的 {units} 件：请重新盘点</translation>
    </message>
    <message>
        <source>Select a kept scan first</source>
        <translation>请先选择一条待核查扫描</translation>
    </message>
    <message>
        <source>Which SKU is {code}? (code or barcode)</source>
        <translation>{code} 是哪个SKU？（编码或条码）</translation>
    </message>
    <message>
        <source>Take {code} into this count ({units} units)?</source>
        <translation>将 {code} 纳入本次盘点（{units} 件）？</translation>
    </message>
    <message>
        <source>{units} units of {code} counted as {sku} — counted {total}</source>
        <translation>{code} 的 {units} 件已计入 {sku} — 已盘 {total}</translation>
    </message>
    <message>
        <source>{counted} of {scope} SKUs counted; {differ} differ: +{over} / −{short} units, value {value}</source>
        <translation>范围内 {scope} 个SKU已盘 {counted} 个；{differ} 个有差异：盘盈 {over} 件 / 盘亏 {short} 件，差异金额 {value}</translation>
    </message>
    <message>
        <source>Cannot post: {n} SKU(s) would fall below what is reserved: {skus}</source>
        <translation>无法过账：{n} 个SKU将低于占用数量：{skus}</translation>
    </message>
    <message>
        <source>Post count {number}? {differ} SKU(s) change: +{over} / −{short} units, value {value}. This cannot be undone.</source>
        <translation>确认过账盘点单 {number}？{differ} 个SKU将调整：盘盈 {over} 件 / 盘亏 {short} 件，差异金额 {value}。过账后不可撤销。</translation>
    </message>
    <message>
        <source>{number} posted: {moves} SKU(s) changed</source>
        <translation>{number} 已过账：调整了 {moves} 个SKU</translation>
    </message>
    <message>
        <source>Export variances</source>
        <translation>导出盘点差异</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>{rows} rows exported</source>
        <translation>已导出 {rows} 行</translation>
    </message>
    <message>
        <source>Cannot write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <source>Cancel count {number}? Nothing will be posted.</source>
        <translation>作废盘点单 {number}？不会过账任何差异。</translation>
    </message>
</context>
<context>
    <name>StocktakeCreateDialog</name>
    <message>
        <source>New count</source>
        <translation>新建盘点</translation>
    </message>
    <message>
        <source>All SKUs of the warehouse</source>
        <translation>仓库全部SKU</translation>
    </message>
    <message>
        <source>These SKUs (one code or barcode per line)</source>
        <translation>指定SKU（每行一个编码或条码）</translation>
    </message>
    <message>
        <source>One location</source>
        <translation>单个库位</translation>
    </message>
    <message>
        <source>SKU codes or barcodes, one per line</source>
        <translation>SKU编码或条码，每行一个</translation>
    </message>
    <message>
        <source>Location code, e.g. A-01-02</source>
        <translation>库位编码，例如 A-01-02</translation>
    </message>
    <message>
        <source>Blind count: counters do not see book quantities</source>
        <translation>盲盘：盘点人员看不到账面数量</translation>
    </message>
    <message>
        <source>Freeze the book now (stock does not move while counting)</source>
        <translation>立即冻结账面数（盘点期间库存不变动）</translation>
    </message>
    <message>
        <source>Otherwise each SKU&apos;s book is taken when it is first counted, so stock may keep moving</source>
        <translation>不冻结时，每个SKU的账面数在首次盘点时记录，库存可以继续变动</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>WarehouseBox</name>
    <message>
        <source>All warehouses</source>
        <translation>全部仓库</translation>
    </message>
</context>
<context>
    <name>FormJsonDialog</name>
    <message>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <source>Nothing changed.</source>
        <translation>没有变化。</translation>
    </message>
    <message>
        <source>Mapping saved; no held order was waiting on it.</source>
        <translation>对应关系已保存；没有挂起订单在等待它。</translation>
    </message>
    <message>
        <source>%1 order(s) re-run: %2 approved, %3 still held</source>
        <translation>已重新处理 %1 个订单：%2 个已审核，%3 个仍挂起</translation>
    </message>
    <message>
        <source>SKU mapping</source>
        <translation>商品对应关系</translation>
    </message>
    <message>
        <source>Unmapped</source>
        <translation>待对应</translation>
    </message>
    <message>
        <source>Mapping table</source>
        <translation>对应关系</translation>
    </message>
    <message>
        <source>All shops</source>
        <translation>全部店铺</translation>
    </message>
    <message>
        <source>Title, merchant code or id</source>
        <translation>标题、商家编码或ID</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>刷新 (F5)</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>店铺</translation>
    </message>
    <message>
        <source>Item ID</source>
        <translation>平台商品ID</translation>
    </message>
    <message>
        <source>Platform SKU ID</source>
        <translation>平台SKU ID</translation>
    </message>
    <message>
        <source>Merchant code</source>
        <translation>商家编码</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Waiting orders</source>
        <translation>等待订单</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Likely SKUs</source>
        <translation>可能的商品</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>加载更多</translation>
    </message>
    <message>
        <source>Likely:</source>
        <translation>可能是：</translation>
    </message>
    <message>
        <source>Whole item (every SKU of it)</source>
        <translation>整个商品（其所有SKU）</translation>
    </message>
    <message>
        <source>Map (Enter)</source>
        <translation>对应 (Enter)</translation>
    </message>
    <message>
        <source>Map to SKU:</source>
        <translation>对应到商品：</translation>
    </message>
    <message>
        <source>Unmapped (%1)</source>
        <translation>待对应 (%1)</translation>
    </message>
    <message>
        <source>%1 unmapped line(s) hold %2 order(s)</source>
        <translation>%1 个未对应商品挂起了 %2 个订单</translation>
    </message>
    <message>
        <source>No unmapped line holds an order.</source>
        <translation>没有因未对应商品而挂起的订单。</translation>
    </message>
    <message>
        <source>%1 · item %2 · SKU %3 · code %4: %5 — %6 order(s) wait</source>
        <translation>%1 · 商品 %2 · SKU %3 · 编码 %4：%5 — %6 个订单在等待</translation>
    </message>
    <message>
        <source>This line has no platform item id, so the mapping table cannot hold it: give the SKU its merchant code as code or barcode instead.</source>
        <translation>这一行没有平台商品ID，对应关系表无法记录它：请把它的商家编码设为商品编码或条码。</translation>
    </message>
    <message>
        <source>Mapping %1 to %2 and re-running its orders…</source>
        <translation>正在将 %1 对应到 %2 并重新处理其订单…</translation>
    </message>
    <message>
        <source>Title, codes, ids or SKU</source>
        <translation>标题、编码、ID或商品</translation>
    </message>
    <message>
        <source>Mapped and unmapped</source>
        <translation>已对应和未对应</translation>
    </message>
    <message>
        <source>Mapped</source>
        <translation>已对应</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>SKU name</source>
        <translation>商品名称</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Change SKU…</source>
        <translation>更改商品…</translation>
    </message>
    <message>
        <source>Remove mapping</source>
        <translation>删除对应</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>(unmapped)</source>
        <translation>（未对应）</translation>
    </message>
    <message>
        <source>Change SKU</source>
        <translation>更改商品</translation>
    </message>
    <message>
        <source>Our SKU code or barcode for item %1, SKU %2:</source>
        <translation>商品 %1、SKU %2 对应的系统商品编码或条码：</translation>
    </message>
    <message>
        <source>Add mapping</source>
        <translation>添加对应</translation>
    </message>
    <message>
        <source>Shop:</source>
        <translation>店铺：</translation>
    </message>
    <message>
        <source>Platform item ID:</source>
        <translation>平台商品ID：</translation>
    </message>
    <message>
        <source>Platform SKU ID (empty: every SKU of the item):</source>
        <translation>平台SKU ID（留空：该商品的所有SKU）：</translation>
    </message>
    <message>
        <source>Our SKU code or barcode:</source>
        <translation>系统商品编码或条码：</translation>
    </message>
    <message>
        <source>%1 row(s) read: %2 changed, %3 unchanged, %4 refused. </source>
        <translation>读取 %1 行：%2 行已更改，%3 行未变，%4 行被拒绝。</translation>
    </message>
    <message>
        <source>Row %1: %2. </source>
        <translation>第 %1 行：%2。</translation>
    </message>
    <message>
        <source>%1 row(s) exported to %2</source>
        <translation>已导出 %1 行到 %2</translation>
    </message>
    <message>
        <source>Import mapping table</source>
        <translation>导入对应关系表</translation>
    </message>
    <message>
        <source>Tables (*.xlsx *.csv)</source>
        <translation>表格 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>Export mapping table</source>
        <translation>导出对应关系表</translation>
    </message>
    <message>
        <source>Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>SKU mapping…</source>
        <translation>商品对应关系…</translation>
    </message>
    <message>
        <source>Map the platform items that hold orders as unmapped SKU (Ctrl+Shift+M)</source>
        <translation>对应因“未对应商品”而挂起订单的平台商品 (Ctrl+Shift+M)</translation>
    </message>
</context>
<context>
    <name>SkuField</name>
    <message>
        <source>SKU code, barcode or name — Enter maps</source>
        <translation>商品编码、条码或名称 — 按 Enter 对应</translation>
    </message>
</context>
<context>
    <name>PipelineOptionsDialog</name>
    <message>
        <source>Merge and split</source>
        <translation>合单与拆单</translation>
    </message>
    <message>
        <source>Merge orders of one buyer to one address (合单)</source>
        <translation>同一买家、同一地址的订单合并发货（合单）</translation>
    </message>
    <message>
        <source> h</source>
        <translation> 小时</translation>
    </message>
    <message>
        <source>Split by warehouse when no single one has every line</source>
        <translation>没有一个仓库能发全部商品时按仓库拆单</translation>
    </message>
    <message>
        <source>Pre-sale lines in parcels of their own</source>
        <translation>预售商品单独成包</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Merge orders paid within</source>
        <translation>合并付款时间相差不超过</translation>
    </message>
    <message>
        <source>Parcel weight at most</source>
        <translation>每包重量不超过</translation>
    </message>
    <message>
        <source>Parcel volume at most</source>
        <translation>每包体积不超过</translation>
    </message>
    <message>
        <source>A SKU without a volume counts as 0 cm³.</source>
        <translation>没有填写体积的 SKU 按 0 cm³ 计算。</translation>
    </message>
</context>
<context>
    <name>PrinterPicker</name>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Printer model</source>
        <translation>打印机型号</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>{name} (system printer, PDF)</source>
        <translation>{name}（系统打印机，PDF）</translation>
    </message>
    <message>
        <source>A printer model at an address…</source>
        <translation>指定地址的打印机型号…</translation>
    </message>
    <message>
        <source>Enter the printer&apos;s address first.</source>
        <translation>请先填写打印机地址。</translation>
    </message>
</context>
</TS>
