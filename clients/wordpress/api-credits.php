<?php
/**
 * Plugin Name:       API Credits Connector
 * Description:       Connects this site to an api-credits service: balance and buying in wp-admin, AI upscale / remove / edit / generate in the Media Library, the site's posts kept in a knowledge base and a "Search this site" block.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       api-credits
 */

defined( 'ABSPATH' ) || exit;

define( 'API_CREDITS_VERSION', '0.1.0' );
define( 'API_CREDITS_FILE', __FILE__ );
define( 'API_CREDITS_DIR', plugin_dir_path( __FILE__ ) );

require_once API_CREDITS_DIR . 'includes/class-vault.php';
require_once API_CREDITS_DIR . 'includes/class-settings.php';
require_once API_CREDITS_DIR . 'includes/class-client.php';
require_once API_CREDITS_DIR . 'includes/class-rest.php';
require_once API_CREDITS_DIR . 'includes/class-admin.php';
require_once API_CREDITS_DIR . 'includes/class-media.php';
require_once API_CREDITS_DIR . 'includes/class-knowledge.php';
require_once API_CREDITS_DIR . 'includes/class-sync.php';
require_once API_CREDITS_DIR . 'includes/class-search.php';

API_Credits_Rest::register();
API_Credits_Admin::register();
API_Credits_Knowledge::register();
API_Credits_Sync::register();
API_Credits_Search::register();
